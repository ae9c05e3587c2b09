import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RetryLaterException } from '../common/retry-later.exception.js';
import { AppConfig } from '../config/app-config.js';
import { clientAddressKey } from './client-address.js';
import { RateBuckets } from './rate-buckets.js';

const GLOBAL = '';

/**
 * The request budgets of the account routes, which anyone may call and which cost an argon2 hash:
 * AUTH_RATE_PER_ADDRESS per client address (TRUST_PROXY decides which address that is) and
 * AUTH_RATE_GLOBAL for everyone together. One instance serves the API and the form routes alike.
 */
@Injectable()
export class AccountRateLimits {
  constructor(
    private readonly config: AppConfig,
    private readonly buckets: RateBuckets,
  ) {}

  /** Counts one request; throws a 429 with Retry-After when a budget is spent. */
  async admit(ip: string): Promise<void> {
    const { ratePerAddress, rateGlobal } = this.config.accounts;
    // The address first: a flood from one address is stopped before it drains the global budget.
    const fromAddress = await this.buckets.take('account', clientAddressKey(ip), ratePerAddress);
    if (fromAddress > 0) {
      throw new RetryLaterException(
        `Too many account requests from your address; try again in ${fromAddress} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        fromAddress,
      );
    }
    const overall = await this.buckets.take('account-global', GLOBAL, rateGlobal);
    if (overall > 0) {
      throw new RetryLaterException(
        `The server is receiving too many account requests; try again in ${overall} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        overall,
      );
    }
  }
}

@Injectable()
export class AccountRateLimitGuard implements CanActivate {
  constructor(private readonly limits: AccountRateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.limits.admit(context.switchToHttp().getRequest<Request>().ip ?? '');
    return true;
  }
}
