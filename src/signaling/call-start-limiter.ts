import type { AppConfig } from '../config/app-config.js';
import type { CallObserver, CallSummary, EndCode } from './call-machine.types.js';
import { TokenBucket } from './token-bucket.js';

export type CallStartLimits = AppConfig['signaling']['callStarts'];

/** Endings after which the caller must leave that callee alone for a while. */
const COOLING_ENDS: readonly EndCode[] = ['rejected', 'cancelled'];

/**
 * Ring-bombing limits on `call_start`, per calling account (all its sessions together): a bucket
 * per caller → callee pair (CALL_STARTS_PER_CALLEE per CALL_STARTS_WINDOW), one per caller
 * (CALL_STARTS_PER_CALLER per window), and a cooldown on the pair (CALL_COOLDOWN) after the callee
 * rejects or the caller cancels. It is a CallObserver: the call machine tells it how calls end.
 *
 * Memory stays bounded: a caller's pair buckets are only created while the caller's own bucket has
 * tokens, and buckets back to full (and cooldowns that ran out) are forgotten once per window.
 */
export class CallStartLimiter implements CallObserver {
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

  /** Whether `caller` may ring `callee` now; an attempt refused here costs nothing. */
  allow(caller: string, callee: string): boolean {
    const now = this.now();
    if (now - this.sweptAt > this.limits.windowMs) {
      this.sweep(now);
    }
    const pair = pairKey(caller, callee);
    if ((this.cooldownUntil.get(pair) ?? -Infinity) > now) {
      return false;
    }
    const own = this.bucket(this.callers, caller, this.limits.perCaller);
    if (!own.peek()) {
      return false;
    }
    if (!this.bucket(this.pairs, pair, this.limits.perCallee).take()) {
      return false;
    }
    return own.take();
  }

  callEnded(call: CallSummary, code: EndCode): void {
    if (COOLING_ENDS.includes(code)) {
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

/** Usernames never contain a newline, so this key cannot be forged from two other names. */
function pairKey(caller: string, callee: string): string {
  return `${caller}\n${callee}`;
}
