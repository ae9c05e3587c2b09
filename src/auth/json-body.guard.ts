import {
  CanActivate,
  ExecutionContext,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Request } from 'express';

/**
 * 415 unless the body is JSON. A page of another site can send a form or text/plain body
 * cross-site without asking (a "simple" request), but not JSON.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest<Request>().is('application/json')) {
      throw new UnsupportedMediaTypeException(
        'Send the body as JSON (Content-Type: application/json)',
      );
    }
    return true;
  }
}
