import { applyDecorators, UseGuards } from '@nestjs/common';
import { AccountRateLimitGuard } from './account-rate-limits.js';
import { SameOriginGuard } from './same-origin.guard.js';

/**
 * For the routes that log in, register and log out (the JSON API and the forms): refused when
 * another site's page sent them (403), then counted against the account request budgets (429).
 * The origin comes first, so a hostile page cannot spend its visitor's budget.
 */
export const AccountRoute = (): MethodDecorator & ClassDecorator =>
  applyDecorators(UseGuards(SameOriginGuard, AccountRateLimitGuard));
