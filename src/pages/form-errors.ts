import { ConflictException, ForbiddenException, HttpException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { TooManyLoginAttempts, WeakPasswordException } from '../auth/auth.service.js';
import { RetryLaterException } from '../common/retry-later.exception.js';
import type { Locale } from '../i18n/locale.js';
import { TRANSLATIONS } from '../i18n/locale.js';
import { type AccountKey, format } from '../i18n/translation.js';
import { waitTime } from '../i18n/wait-time.js';

/** The sentence shown by a form field, in the page's language: what to do, not what failed. */
export type FieldErrors = Record<string, string>;

/** One sentence per invalid register field, whatever rule of the field failed. */
export function registerFieldErrors(
  errors: ValidationError[],
  values: Record<string, string>,
  locale: Locale,
): FieldErrors {
  const t = TRANSLATIONS[locale].account;
  const sentence = (field: string): AccountKey => {
    const empty = (values[field] ?? '') === '';
    switch (field) {
      case 'username':
        return empty ? 'usernameRequired' : 'usernameRule';
      case 'password':
        return empty ? 'passwordRequired' : 'passwordLength';
      default:
        return 'displayNameRule';
    }
  };
  return Object.fromEntries(errors.map((error) => [error.property, t[sentence(error.property)]]));
}

/** Why a login or registration was refused, for the form: the field it belongs to and the sentence in the page's language. */
export function refusal(
  error: HttpException,
  locale: Locale,
  values: Record<string, string>,
): { field: string; message: string; status: number } {
  const t = TRANSLATIONS[locale].account;
  const status: number = error.getStatus();
  if (error instanceof WeakPasswordException) {
    return { field: 'password', message: error.reason, status };
  }
  if (error instanceof RetryLaterException) {
    const key: AccountKey =
      error instanceof TooManyLoginAttempts
        ? 'lockedOut'
        : status === Number(HttpStatus.TOO_MANY_REQUESTS)
          ? 'tooManyRequests'
          : 'serverBusy';
    const wait = waitTime(error.retryAfterSeconds, locale);
    return { field: 'password', message: format(t[key], { wait }), status };
  }
  if (error instanceof ForbiddenException) {
    return { field: 'password', message: t.crossSite, status }; // SameOriginGuard's only refusal
  }
  if (error instanceof ConflictException) {
    const username = (values.username ?? '').toLowerCase();
    return { field: 'username', message: format(t.usernameTaken, { username }), status };
  }
  if (status === Number(HttpStatus.UNAUTHORIZED)) {
    return { field: 'password', message: t.badCredentials, status };
  }
  return { field: 'password', message: t.formFailed, status };
}
