import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  ForbiddenException,
  HttpException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { RetryLaterException } from '../common/retry-later.exception.js';
import { requestLocale } from '../i18n/request-locale.js';
import { renderAccountForm } from './account-form.view.js';
import { type FormFields, formText } from './dto/form-fields.dto.js';
import { refusal } from './form-errors.js';
import { safeNextPath } from './local-path.js';

/**
 * A login or register form that is refused — by its handler (wrong password, lock-out, name taken)
 * or before it (a guard: the account request budget, a cross-site post) — is answered with the
 * page again, the reason under its field and the refusal's status; not with the API's JSON, which
 * a person who pressed "Log in" would see as a page of code.
 */
@Catch(HttpException)
export class FormRefusalFilter implements ExceptionFilter {
  catch(error: HttpException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const body = request.body as FormFields;
    const view = request.path === '/register' ? 'register' : 'login';
    // What another site's page posted is not shown back: its user did not type it.
    const crossSite = error instanceof ForbiddenException;
    const values: Record<string, string> = {
      username: crossSite ? '' : formText(body, 'username'),
    };
    if (view === 'register') {
      values.displayName = crossSite ? '' : formText(body, 'displayName');
    }
    if (error instanceof RetryLaterException) {
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    const { field, message, status } = refusal(error, requestLocale(request).locale, values);
    renderAccountForm(
      response,
      view,
      { next: safeNextPath(body?.next), values, errors: { [field]: message } },
      status,
    );
  }
}
