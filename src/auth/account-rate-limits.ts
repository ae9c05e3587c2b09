import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RetryLaterException } from '../common/retry-later.exception.js';
import { AppConfig } from '../config/app-config.js';
import { clientAddressKey } from './client-address.js';
import { RateBuckets } from './rate-buckets.js';

const GLOBAL = '';

/**
 * The request budgets of the account routes, which anyone may call. AUTH_RATE_PER_ADDRESS counts
 * every login, registration and password check of one client address (TRUST_PROXY decides which
 * address that is), so one source is stopped whatever it sends. AUTH_RATE_GLOBAL counts only the
 * argon2 work that nobody has proved a right to: a login of an existing account and a
 * registration. It protects the CPU, and since anyone with many addresses can empty it, nothing
 * cheap spends it — a logout, a login for a name that has no account, a request with a valid
 * token — so that none of those can be turned against everyone else's logins. One instance
 * serves the API and the form routes alike.
 */
@Injectable()
export class AccountRateLimits {
  constructor(
    private readonly config: AppConfig,
    private readonly buckets: RateBuckets,
  ) {}

  /** Counts one request of this address; throws a 429 with Retry-After when its budget is spent. */
  async admit(ip: string): Promise<void> {
    const { ratePerAddress } = this.config.accounts;
    const wait = await this.buckets.take('account', clientAddressKey(ip), ratePerAddress);
    if (wait > 0) {
      throw new RetryLaterException(
        `Too many account requests from your address; try again in ${wait} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        wait,
      );
    }
  }

  /** Counts one anonymous argon2 computation; throws a 429 with Retry-After when all are spent. */
  async spendHash(): Promise<void> {
    const wait = await this.buckets.take('account-global', GLOBAL, this.config.accounts.rateGlobal);
    if (wait > 0) {
      throw new RetryLaterException(
        `The server is receiving too many account requests; try again in ${wait} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        wait,
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
