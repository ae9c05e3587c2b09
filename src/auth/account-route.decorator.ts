import { applyDecorators, UseGuards } from '@nestjs/common';
import { AccountRateLimitGuard } from './account-rate-limits.js';
import { SameOriginGuard } from './same-origin.guard.js';

/**
 * For the routes that log in, register or check a password (the JSON API and the forms): refused
 * when another site's page sent them (403), then counted against the client address's request
 * budget (429). The origin comes first, so a hostile page cannot spend its visitor's budget.
 */
export const AccountRoute = (): MethodDecorator & ClassDecorator =>
  applyDecorators(UseGuards(SameOriginGuard, AccountRateLimitGuard));

/**
 * For the logout routes: refused from another site's page (403), and never by a budget. A logout
 * costs no hash, can revoke a token only once, and must work however busy the server is: a
 * budget it spent could be emptied by anyone, and a refused logout leaves a token valid.
 */
export const LogoutRoute = (): MethodDecorator & ClassDecorator =>
  applyDecorators(UseGuards(SameOriginGuard));
