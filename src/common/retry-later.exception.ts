import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * A refusal that ends by itself (a lock-out, a rate limit, a full queue): the response carries
 * Retry-After with the seconds to wait. HttpErrorFilter and the form pages set the header.
 */
export class RetryLaterException extends HttpException {
  constructor(
    message: string,
    status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE,
    readonly retryAfterSeconds: number,
  ) {
    super(message, status);
  }
}
