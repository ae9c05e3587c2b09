import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';

/**
 * `Cache-Control: no-store` on every answer a controller gives, pages and API alike: nearly all
 * of them depend on who is logged in (`/account`, `/webrtc/<me>`, `/users/me`, `/calls`…), and a
 * stored copy would show the account to whoever presses Back after a logout, without a request
 * reaching the server. Assets are not answered by controllers and keep their own caching. A
 * handler that sets its own Cache-Control later overrides this.
 */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      context.switchToHttp().getResponse<Response>().setHeader('Cache-Control', 'no-store');
    }
    return next.handle();
  }
}
