import type { Request } from 'express';
import {
  LOCALE_COOKIE,
  LOCALE_QUERY,
  type Locale,
  localeFromAcceptLanguage,
  matchLocale,
} from './locale.js';

const LOCALE_COOKIE_PATTERN = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]*)`);

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
  const remembered = LOCALE_COOKIE_PATTERN.exec(request.headers.cookie ?? '')?.[1];
  return {
    locale: matchLocale(remembered) ?? localeFromAcceptLanguage(request.headers['accept-language']),
  };
}
