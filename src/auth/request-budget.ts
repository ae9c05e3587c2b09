import { HttpStatus } from '@nestjs/common';
import { RetryLaterException } from '../common/retry-later.exception.js';
import type { RateBuckets } from './rate-buckets.js';

/**
 * So many requests a minute per key (an account id), bursts of as many: `spend` counts one, or
 * refuses it with 429 and Retry-After, naming `what` was asked too often.
 */
export class RequestBudget {
  constructor(
    private readonly buckets: RateBuckets,
    private readonly perMinute: number,
    private readonly what: string,
  ) {}

  async spend(key: string): Promise<void> {
    const retryAfter = await this.buckets.take(this.what, key, this.perMinute);
    if (retryAfter > 0) {
      throw new RetryLaterException(
        `Too many ${this.what}; try again in ${retryAfter} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        retryAfter,
      );
    }
  }
}
