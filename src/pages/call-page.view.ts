import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { LOCALE_COOKIE, LOCALES, TRANSLATIONS } from '../i18n/locale.js';
import { requestLocale } from '../i18n/request-locale.js';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The call page's shell in the user's language (views/call.hbs); client/call-page.ts does the
 * rest. A `?lang=` switch is remembered in a cookie that the page's own switcher also writes.
 */
export function renderCallPage(request: Request, response: Response, user: AuthenticatedUser) {
  const { locale, switchedTo } = requestLocale(request);
  if (switchedTo) {
    response.cookie(LOCALE_COOKIE, switchedTo, {
      path: '/',
      sameSite: 'lax',
      secure: request.secure,
      maxAge: ONE_YEAR_MS,
    });
  }
  response.vary('Accept-Language');
  const t = TRANSLATIONS[locale].ui;
  response.render('call', {
    title: t.pageTitle,
    lang: locale,
    t,
    user,
    // An attribute, not an {{#if}} inside the tag, which the template formatter cannot parse.
    languages: LOCALES.map((entry) => ({
      ...entry,
      selectedAttribute: entry.locale === locale ? 'selected' : '',
    })),
  });
}
