import { format } from './translation.js';
import type { Locale } from './locale.js';
import { TRANSLATIONS } from './locale.js';

/**
 * How long to wait, as people say it: "15 minutes" rather than "899 seconds" (rounded up, so the
 * wait is never shorter than said); seconds only under a minute.
 */
export function waitTime(seconds: number, locale: Locale): string {
  const t = TRANSLATIONS[locale].account;
  if (seconds < 60) {
    const count = Math.max(1, Math.ceil(seconds));
    return count === 1 ? t.oneSecond : format(t.seconds, { count });
  }
  const count = Math.ceil(seconds / 60);
  return count === 1 ? t.oneMinute : format(t.minutes, { count });
}
