import { HttpStatus } from '@nestjs/common';
import { RetryLaterException } from '../common/retry-later.exception.js';
import { KeyedRateLimiter } from './keyed-rate-limiter.js';

/**
 * So many requests a minute per key (an account id), bursts of as many: `spend` counts one, or
 * refuses it with 429 and Retry-After, naming `what` was asked too often.
 */
export class RequestBudget {
  private readonly limiter: KeyedRateLimiter;

  constructor(
    perMinute: number,
    private readonly what: string,
  ) {
    this.limiter = new KeyedRateLimiter(perMinute);
  }

  spend(key: string): void {
    const retryAfter = this.limiter.take(key);
    if (retryAfter > 0) {
      throw new RetryLaterException(
        `Too many ${this.what}; try again in ${retryAfter} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        retryAfter,
      );
    }
  }
}
