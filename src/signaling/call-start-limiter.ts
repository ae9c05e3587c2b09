import type { AppConfig } from '../config/app-config.js';
import type { CallObserver, CallSummary, EndCode } from './call-machine.types.js';
import type { CallStartRefusal } from './protocol.js';
import { TokenBucket } from './token-bucket.js';

export type CallStartLimits = AppConfig['signaling']['callStarts'];

/**
 * What frame dispatch asks before a call_start rings anyone: undefined lets it through (and
 * counts it), else why not and for how long. In memory CallStartLimiter; with REDIS_URL
 * ClusterCallStartLimiter, shared by every instance.
 */
export interface CallStartGate {
  refusalOf(
    caller: string,
    callee: string,
  ): CallStartRefusal | undefined | Promise<CallStartRefusal | undefined>;
}

/**
 * Ring-bombing limits on `call_start`, per calling account (all its sessions together): a bucket
 * per caller → callee pair (CALL_STARTS_PER_CALLEE per CALL_STARTS_WINDOW), one per caller
 * (CALL_STARTS_PER_CALLER per window), and a short cooldown on the pair (CALL_COOLDOWN) after the
 * callee declines. It is a CallObserver: the call machine tells it how calls go.
 *
 * Issue 20: the limits stop abuse, not people. An answered call gives its tokens back (someone
 * whose calls keep dropping can always call back), a caller's own cancel (a mis-click) costs no
 * cooldown, and a refusal says why and for how long (`reason`, `retryAfter`).
 *
 * Memory stays bounded: a caller's pair buckets are only created while the caller's own bucket has
 * tokens, and buckets back to full (and cooldowns that ran out) are forgotten once per window.
 */
export class CallStartLimiter implements CallStartGate, CallObserver {
  private readonly callers = new Map<string, TokenBucket>();
  private readonly pairs = new Map<string, TokenBucket>();
  private readonly cooldownUntil = new Map<string, number>();
  private sweptAt: number;

  constructor(
    private readonly limits: CallStartLimits,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.sweptAt = now();
  }

  /**
   * Undefined when `caller` may ring `callee` now (the attempt is counted), else why not and for
   * how long; an attempt refused here costs nothing.
   */
  refusalOf(caller: string, callee: string): CallStartRefusal | undefined {
    const now = this.now();
    if (now - this.sweptAt > this.limits.windowMs) {
      this.sweep(now);
    }
    const pair = pairKey(caller, callee);
    const cooling = (this.cooldownUntil.get(pair) ?? now) - now;
    if (cooling > 0) {
      return refusal('declined_recently', cooling);
    }
    const own = this.bucket(this.callers, caller, this.limits.perCaller);
    if (!own.peek()) {
      return refusal('too_many_calls', own.msUntilToken());
    }
    const toCallee = this.bucket(this.pairs, pair, this.limits.perCallee);
    if (!toCallee.take()) {
      return refusal('too_many_calls', toCallee.msUntilToken());
    }
    own.take();
    return undefined;
  }

  /** An answered call was no abuse: its call_start no longer counts against either budget. */
  callAnswered(call: CallSummary): void {
    this.callers.get(call.caller)?.refund();
    this.pairs.get(pairKey(call.caller, call.callee))?.refund();
  }

  /** Only a decline cools the pair down: the callee said no, so not again at once. */
  callEnded(call: CallSummary, code: EndCode): void {
    if (code === 'rejected') {
      this.cooldownUntil.set(
        pairKey(call.caller, call.callee),
        this.now() + this.limits.cooldownMs,
      );
    }
  }

  private bucket(buckets: Map<string, TokenBucket>, key: string, perWindow: number): TokenBucket {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket((perWindow * 1000) / this.limits.windowMs, perWindow, this.now);
      buckets.set(key, bucket);
    }
    return bucket;
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const buckets of [this.callers, this.pairs]) {
      for (const [key, bucket] of buckets) {
        if (bucket.isFull()) {
          buckets.delete(key);
        }
      }
    }
    for (const [pair, until] of this.cooldownUntil) {
      if (until <= now) {
        this.cooldownUntil.delete(pair);
      }
    }
  }
}

/** `retryAfter` in whole seconds, rounded up (never sooner than said) and at least 1. */
function refusal(reason: CallStartRefusal['reason'], waitMs: number): CallStartRefusal {
  return { reason, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** Usernames never contain a newline, so this key cannot be forged from two other names. */
function pairKey(caller: string, callee: string): string {
  return `${caller}\n${callee}`;
}
