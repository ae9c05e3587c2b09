import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RetryLaterException } from '../common/retry-later.exception.js';
import { AppConfig } from '../config/app-config.js';
import { clientAddressKey } from './client-address.js';
import { KeyedRateLimiter } from './keyed-rate-limiter.js';

const GLOBAL = '';

/**
 * The request budgets of the account routes, which anyone may call and which cost an argon2 hash:
 * AUTH_RATE_PER_ADDRESS per client address (TRUST_PROXY decides which address that is) and
 * AUTH_RATE_GLOBAL for everyone together. One instance serves the API and the form routes alike.
 */
@Injectable()
export class AccountRateLimits {
  private readonly perAddress: KeyedRateLimiter;
  private readonly global: KeyedRateLimiter;

  constructor(config: AppConfig) {
    this.perAddress = new KeyedRateLimiter(config.accounts.ratePerAddress);
    this.global = new KeyedRateLimiter(config.accounts.rateGlobal);
  }

  /** Counts one request; throws a 429 with Retry-After when a budget is spent. */
  admit(ip: string): void {
    // The address first: a flood from one address is stopped before it drains the global budget.
    const fromAddress = this.perAddress.take(clientAddressKey(ip));
    if (fromAddress > 0) {
      throw new RetryLaterException(
        `Too many account requests from your address; try again in ${fromAddress} seconds`,
        HttpStatus.TOO_MANY_REQUESTS,
        fromAddress,
      );
    }
    const overall = this.global.take(GLOBAL);
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

  canActivate(context: ExecutionContext): boolean {
    this.limits.admit(context.switchToHttp().getRequest<Request>().ip ?? '');
    return true;
  }
}
