import webpush from 'web-push';
import type { VapidKeys } from '../config/vapid-keys.js';
import { type EndpointPattern, endpointProblem } from './endpoint-allowlist.js';
import { type PushPayload, pushTopic } from './push-payload.js';

/** What a push service made of one message: accepted, the subscription is gone, or it failed. */
export type PushOutcome =
  { result: 'sent' } | { result: 'gone' } | { result: 'failed'; reason: PushFailure };

/** Why a message was not delivered to the push service, as the metrics count it. */
export type PushFailure =
  'not_allowed' | 'redirect' | 'refused' | 'rate_limited' | 'server_error' | 'timeout' | 'network';

/** The keys of one browser's subscription. */
export interface PushTarget {
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

export interface PushMessage {
  readonly payload: PushPayload;
  /** Seconds the push service keeps the message for a device that is offline. */
  readonly ttlSeconds: number;
  /** Epoch ms after which no retry is started: a ring no longer ringing is not worth a retry. */
  readonly deadline: number;
}

export interface PushSenderOptions {
  readonly vapid: VapidKeys;
  readonly allowedEndpoints: readonly EndpointPattern[];
  /** One request's limit, in ms. */
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 4000;

/**
 * Sends one encrypted message (RFC 8291 aes128gcm, VAPID RFC 8292) to one subscription. web-push
 * builds the request (its own sender speaks https only and follows its own rules); the request
 * goes out here, so that the allowlist, redirects (never followed), timeouts and retries are ours.
 * `429` and `5xx` are retried with exponential backoff (or the service's Retry-After) while the
 * deadline allows; `404`/`410` mean the subscription is gone.
 */
export class PushSender {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PushSenderOptions) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The request as it goes out: method, headers (TTL, Urgency, Topic, VAPID) and encrypted body. */
  request(target: PushTarget, message: PushMessage): webpush.RequestDetails {
    const { vapid } = this.options;
    return webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(message.payload),
      {
        vapidDetails: vapid,
        TTL: message.ttlSeconds,
        urgency: 'high',
        topic: pushTopic(message.payload.callId),
        contentEncoding: 'aes128gcm',
      },
    );
  }

  async send(target: PushTarget, message: PushMessage): Promise<PushOutcome> {
    // Checked again here, not only when subscribing: a list narrowed since must hold at once.
    if (endpointProblem(target.endpoint, this.options.allowedEndpoints)) {
      return { result: 'failed', reason: 'not_allowed' };
    }
    const request = this.request(target, message);
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.attempt(request);
      if (answer.outcome) {
        return answer.outcome;
      }
      const delay = retryDelay(attempt, answer.retryAfter);
      if (this.now() + delay >= message.deadline) {
        return { result: 'failed', reason: answer.reason };
      }
      await this.sleep(delay);
    }
  }

  private async attempt(
    request: webpush.RequestDetails,
  ): Promise<{ outcome: PushOutcome; reason?: never; retryAfter?: never } | RetryableAnswer> {
    let response: Response;
    try {
      response = await this.fetch(request.endpoint, {
        method: request.method,
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        ),
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return { outcome: undefined, reason: timedOut ? 'timeout' : 'network' };
    }
    // The body is not needed; reading it frees the connection for the next request.
    await response.arrayBuffer().catch(() => undefined);
    return classify(response);
  }
}

interface RetryableAnswer {
  outcome: undefined;
  reason: 'rate_limited' | 'server_error' | 'timeout' | 'network';
  retryAfter?: number;
}

/** Sorts a push service's answer into the outcome, or a reason to try again. */
export function classify(
  response: Pick<Response, 'status' | 'headers'>,
): { outcome: PushOutcome } | RetryableAnswer {
  const { status } = response;
  if (status >= 200 && status < 300) {
    return { outcome: { result: 'sent' } };
  }
  if (status === 404 || status === 410) {
    return { outcome: { result: 'gone' } };
  }
  if (status === 429 || status >= 500) {
    return {
      outcome: undefined,
      reason: status === 429 ? 'rate_limited' : 'server_error',
      retryAfter: retryAfterMs(response.headers.get('retry-after')),
    };
  }
  // fetch with redirect: 'manual' answers an opaque redirect (status 0) or the 3xx itself.
  if (status === 0 || (status >= 300 && status < 400)) {
    return { outcome: { result: 'failed', reason: 'redirect' } };
  }
  return { outcome: { result: 'failed', reason: 'refused' } };
}

/** Exponential backoff from 250 ms, at most 4 s, or the service's own Retry-After if later. */
export function retryDelay(attempt: number, retryAfter: number | undefined): number {
  const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
  return Math.max(backoff, retryAfter ?? 0);
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) {
    return undefined;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim()) * 1000;
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
