import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseEndpointPatterns } from './endpoint-allowlist.js';
import { type CallPushPayload, pushTopic } from './push-payload.js';
import { type PushMessage, PushSender, classify, retryDelay } from './push-sender.js';

const ENDPOINT = 'https://updates.push.services.mozilla.com/wpush/v2/abc';

function vapid() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    privateKey: ecdh.getPrivateKey().toString('base64url'),
    subject: 'mailto:ops@example.com',
  };
}

function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: ENDPOINT,
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
}

const payload: CallPushPayload = {
  type: 'call',
  callId: '0b5f1a52-4c2e-4f6e-9a63-2f0e8d1c7b10',
  from: { username: 'alice', displayName: 'Alice' },
  expiresAt: 1_000_030_000,
};

interface Harness {
  sender: PushSender;
  requests: { url: string; init: RequestInit }[];
  sleeps: number[];
  clock: { now: number };
}

/** A sender whose fetch answers `statuses` in turn and whose sleep advances a fake clock. */
function harness(statuses: (number | Error)[], headers: Record<string, string> = {}): Harness {
  const requests: Harness['requests'] = [];
  const sleeps: number[] = [];
  const clock = { now: 1_000_000_000 };
  const fake = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    requests.push({ url: url instanceof Request ? url.url : url.toString(), init: init ?? {} });
    const next = statuses.shift() ?? 201;
    if (next instanceof Error) {
      return Promise.reject(next);
    }
    return Promise.resolve(new Response(null, { status: next, headers }));
  };
  const sender = new PushSender({
    vapid: vapid(),
    allowedEndpoints: parseEndpointPatterns(['https://updates.push.services.mozilla.com']),
    timeoutMs: 5000,
    fetch: fake,
    now: () => clock.now,
    sleep: (ms) => {
      sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
  });
  return { sender, requests, sleeps, clock };
}

const message = (deadline = 1_000_030_000): PushMessage => ({ payload, ttlSeconds: 30, deadline });

describe('PushSender', () => {
  it('sends an aes128gcm message with TTL, Urgency: high, Topic and VAPID, never following redirects', async () => {
    const { sender, requests } = harness([201]);
    expect(await sender.send(browserKeys(), message())).toStrictEqual({ result: 'sent' });
    expect(requests).toHaveLength(1);
    const { url, init } = requests[0];
    expect(url).toBe(ENDPOINT);
    expect(init.method).toBe('POST');
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    const headers = init.headers as Record<string, string>;
    expect(headers.TTL).toBe('30');
    expect(headers.Urgency).toBe('high');
    expect(headers.Topic).toBe('0b5f1a524c2e4f6e9a632f0e8d1c7b10');
    expect(headers['Content-Encoding']).toBe('aes128gcm');
    expect(headers.Authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]{87}$/);
    // Encrypted: the payload's text is nowhere in the body.
    expect(Buffer.from(init.body as Uint8Array).includes('alice')).toBe(false);
  });

  it('the Topic is the call id without hyphens: 32 base64url characters', () => {
    expect(pushTopic(payload.callId)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('404 and 410 mean the subscription is gone; no retry', async () => {
    for (const status of [404, 410]) {
      const { sender, requests } = harness([status]);
      expect(await sender.send(browserKeys(), message())).toStrictEqual({ result: 'gone' });
      expect(requests).toHaveLength(1);
    }
  });

  it('retries 429 and 5xx with growing delays, then succeeds', async () => {
    const { sender, requests, sleeps } = harness([503, 429, 500, 201]);
    expect(await sender.send(browserKeys(), message())).toStrictEqual({ result: 'sent' });
    expect(requests).toHaveLength(4);
    expect(sleeps).toStrictEqual([250, 500, 1000]);
  });

  it('retries network errors and timeouts too', async () => {
    const timeout = new DOMException('timed out', 'TimeoutError');
    const { sender, requests } = harness([new TypeError('fetch failed'), timeout, 201]);
    expect(await sender.send(browserKeys(), message())).toStrictEqual({ result: 'sent' });
    expect(requests).toHaveLength(3);
  });

  it('gives up when the next retry would start after the deadline (the ring is over)', async () => {
    const { sender, requests, clock } = harness([503, 503, 503, 503, 503, 503, 503]);
    const deadline = clock.now + 1000;
    expect(await sender.send(browserKeys(), message(deadline))).toStrictEqual({
      result: 'failed',
      reason: 'server_error',
    });
    // 0 ms, +250, +500: the next (+1000) would pass the deadline.
    expect(requests).toHaveLength(3);
    expect(clock.now).toBeLessThan(deadline);
  });

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    const { sender, sleeps } = harness([429, 201], { 'retry-after': '2' });
    expect(await sender.send(browserKeys(), message())).toStrictEqual({ result: 'sent' });
    expect(sleeps).toStrictEqual([2000]);
  });

  it('does not retry a refusal (400, 401, 403, 413) or a redirect', async () => {
    for (const [status, reason] of [
      [400, 'refused'],
      [401, 'refused'],
      [403, 'refused'],
      [413, 'refused'],
      [301, 'redirect'],
      [307, 'redirect'],
    ] as const) {
      const { sender, requests } = harness([status]);
      expect(await sender.send(browserKeys(), message())).toStrictEqual({
        result: 'failed',
        reason,
      });
      expect(requests).toHaveLength(1);
    }
  });

  it('never sends to an endpoint outside the allowlist, whatever the database holds', async () => {
    const { sender, requests } = harness([201]);
    const target = { ...browserKeys(), endpoint: 'http://169.254.169.254/latest' };
    expect(await sender.send(target, message())).toStrictEqual({
      result: 'failed',
      reason: 'not_allowed',
    });
    expect(requests).toHaveLength(0);
  });
});

describe('classify and retryDelay', () => {
  it('an opaque redirect (status 0, what fetch answers with redirect: manual) is a redirect', () => {
    expect(classify({ status: 0, headers: new Headers() })).toStrictEqual({
      outcome: { result: 'failed', reason: 'redirect' },
    });
  });

  it('backs off exponentially from 250 ms up to 4 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((attempt) => retryDelay(attempt, undefined))).toStrictEqual([
      250, 500, 1000, 2000, 4000, 4000, 4000,
    ]);
    expect(retryDelay(0, 3000)).toBe(3000);
  });
});
