import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { tokenFromHeaders } from './auth-cookie.js';
import type { AuthenticatedRequest } from './current-user.decorator.js';
import { IS_PUBLIC } from './public.decorator.js';
import { TokenService } from './token.service.js';

/**
 * Global, deny by default. Identifies the user on every HTTP route (public pages use it to know
 * who is logged in) and refuses routes not marked @Public() when nobody is.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.user = await this.tokens.verify(tokenFromHeaders(request.headers).token);
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!request.user && !isPublic) {
      throw new UnauthorizedException('A valid access token is required');
    }
    return true;
  }
}
