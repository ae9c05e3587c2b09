import { KeyedRateLimiter } from './keyed-rate-limiter.js';

/**
 * Request budgets: a token bucket per budget name and key (a client address, an account id, or ''
 * for everyone), `perMinute` requests a minute sustained, bursts of as many. In this process's
 * memory by default; with REDIS_URL in Redis, so that N instances do not grant N budgets.
 */
export abstract class RateBuckets {
  private readonly refusalListeners: ((budget: string) => void)[] = [];

  /** 0 when the request may go ahead (it is counted); otherwise the seconds until one may. */
  async take(budget: string, key: string, perMinute: number): Promise<number> {
    const wait = await this.takeToken(budget, key, perMinute);
    if (wait > 0) {
      this.refusalListeners.forEach((listener) => listener(budget));
    }
    return wait;
  }

  /** Hears the budget's name whenever a request is refused (GET /metrics counts them). */
  onRefused(listener: (budget: string) => void): void {
    this.refusalListeners.push(listener);
  }

  protected abstract takeToken(budget: string, key: string, perMinute: number): Promise<number>;
}

export class LocalRateBuckets extends RateBuckets {
  private readonly limiters = new Map<string, KeyedRateLimiter>();

  protected takeToken(budget: string, key: string, perMinute: number): Promise<number> {
    let limiter = this.limiters.get(budget);
    if (!limiter) {
      limiter = new KeyedRateLimiter(perMinute);
      this.limiters.set(budget, limiter);
    }
    return Promise.resolve(limiter.take(key));
  }
}
