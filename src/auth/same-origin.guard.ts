import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { isCrossSiteRequest, isTrustedOrigin } from '../common/trusted-origin.js';
import { AppConfig } from '../config/app-config.js';

/**
 * Refuses account requests (log in, register, log out) sent by another site's page: a cross-site
 * form POST to /login would otherwise log the victim's browser into the attacker's account.
 * Same-origin forms and programs (which send no Origin) pass. Behind a proxy, PUBLIC_URL or
 * TRUST_PROXY (for X-Forwarded-Proto/-Host) tells the server which origin is its own.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const self = request.host ? `${request.protocol}://${request.host}` : undefined;
    const crossSite = isCrossSiteRequest(
      request.get('sec-fetch-site'),
      request.get('origin'),
      (origin) => isTrustedOrigin(origin, self, this.config),
    );
    if (crossSite) {
      throw new ForbiddenException(
        'Cross-site request refused: log in, register and log out only from this site’s own pages',
      );
    }
    return true;
  }
}
