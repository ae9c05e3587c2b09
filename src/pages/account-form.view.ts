import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { TRANSLATIONS } from '../i18n/locale.js';
import { requestLocale } from '../i18n/request-locale.js';
import type { FormView } from './dto/form-fields.dto.js';

/** The login or register form in the visitor's language; the first field with an error has the focus. */
export function renderAccountForm(
  response: Response,
  view: 'login' | 'register',
  form: FormView,
  status: number = HttpStatus.OK,
): void {
  const { locale } = requestLocale(response.req);
  const t = TRANSLATIONS[locale].account;
  const firstInvalid = ['username', 'displayName', 'password'].find((field) => form.errors[field]);
  response.vary('Accept-Language');
  response.status(status).render(view, {
    title: view === 'login' ? t.logInTitle : t.registerTitle,
    lang: locale,
    t,
    // An attribute, not an {{#if}} inside the tag, which the template formatter cannot parse.
    autofocus: firstInvalid ? { [firstInvalid]: 'autofocus' } : {},
    ...form,
  });
}
