import type { Request } from 'express';
import { readCookie } from '../common/cookies.js';
import {
  LOCALE_COOKIE,
  LOCALE_QUERY,
  type Locale,
  localeFromAcceptLanguage,
  matchLocale,
} from './locale.js';

export interface RequestLocale {
  locale: Locale;
  /** Set when the URL asked for a language (`?lang=`): the response should remember it. */
  switchedTo?: Locale;
}

/** The page language: `?lang=` first, then the remembered choice, then Accept-Language. */
export function requestLocale(request: Request): RequestLocale {
  const query: unknown = request.query[LOCALE_QUERY];
  const switchedTo = typeof query === 'string' ? matchLocale(query) : undefined;
  if (switchedTo) {
    return { locale: switchedTo, switchedTo };
  }
  const remembered = readCookie(request.headers.cookie, LOCALE_COOKIE);
  return {
    locale: matchLocale(remembered) ?? localeFromAcceptLanguage(request.headers['accept-language']),
  };
}
