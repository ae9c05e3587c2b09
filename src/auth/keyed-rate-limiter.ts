interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** Keys beyond this make the limiter forget full buckets first, then the oldest. */
const DEFAULT_MAX_KEYS = 100_000;

/**
 * A token bucket per key (a client address, or one shared key for a global limit): `perMinute`
 * requests a minute sustained, bursts of the same size. Memory stays bounded under a flood of
 * distinct keys: past `maxKeys` the buckets that are full again (as good as new) are dropped, and
 * if that is not enough the oldest ones.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** 0 when the request may go ahead (and is counted); otherwise the seconds until one may. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  private refilled(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(
        this.perMinute,
        bucket.tokens + (now - bucket.refilledAt) * this.perMs,
      );
      bucket.refilledAt = now;
      return bucket;
    }
    if (this.buckets.size >= this.maxKeys) {
      this.forget(now);
    }
    const fresh = { tokens: this.perMinute, refilledAt: now };
    this.buckets.set(key, fresh);
    return fresh;
  }

  private forget(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.refilledAt) * this.perMs >= this.perMinute) {
        this.buckets.delete(key);
      }
    }
    // Still full of busy keys: drop the oldest (Map order is insertion order).
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) {
        break;
      }
      this.buckets.delete(key);
    }
  }
}
