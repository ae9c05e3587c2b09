import { KeyedRateLimiter } from './keyed-rate-limiter.js';

/**
 * Request budgets: a token bucket per budget name and key (a client address, an account id, or ''
 * for everyone), `perMinute` requests a minute sustained, bursts of as many. In this process's
 * memory by default; with REDIS_URL in Redis, so that N instances do not grant N budgets
 * (SignalingEngine.rateBuckets; test/rate-limits.contract.e2e-spec.ts holds both to one behaviour).
 */
export abstract class RateBuckets {
  /** 0 when the request may go ahead (it is counted); otherwise the seconds until one may. */
  abstract take(budget: string, key: string, perMinute: number): Promise<number>;
}

/** One process's budgets: a KeyedRateLimiter per budget name. */
export class LocalRateBuckets implements RateBuckets {
  private readonly limiters = new Map<string, KeyedRateLimiter>();

  take(budget: string, key: string, perMinute: number): Promise<number> {
    let limiter = this.limiters.get(budget);
    if (!limiter) {
      limiter = new KeyedRateLimiter(perMinute);
      this.limiters.set(budget, limiter);
    }
    return Promise.resolve(limiter.take(key));
  }
}
