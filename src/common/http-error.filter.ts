import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { requestIdOf } from '../logging/request-logging.js';
import { RetryLaterException } from './retry-later.exception.js';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
  [detail: string]: unknown;
}

/**
 * Turns every error into `{statusCode, message}` JSON (Nest already maps body-parser failures to
 * 400/413), adds Retry-After to refusals that end by themselves (lock-outs, rate limits, a busy server), and never shows a stack trace to the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.describe(exception);
    if (!(exception instanceof HttpException)) {
      // Not a refusal the code chose: a bug, answered 500.
      this.logger.error({ msg: 'request failed', reqId: requestIdOf(response), err: exception });
    }
    if (exception instanceof RetryLaterException) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }

  private describe(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const answer = exception.getResponse();
      return typeof answer === 'string'
        ? { statusCode: exception.getStatus(), message: answer }
        : ({ statusCode: exception.getStatus(), ...answer } as ErrorBody);
    }
    return { statusCode: 500, message: 'Internal server error' };
  }
}
