import { type Locale, TRANSLATIONS } from '../../src/i18n/locale.js';
import { format, type Placeholders, type PrivacyKey } from '../../src/i18n/translation.js';
import type { JsonReply } from '../http.js';

/** A sentence of contacts, privacy and the account page in `locale`. */
export function privacyText(locale: Locale, key: PrivacyKey, values?: Placeholders): string {
  return format(TRANSLATIONS[locale].privacy[key], values);
}

/** Why a contact, block or account request was refused, as a sentence key. */
export function refusalKey(reply: JsonReply<unknown>): PrivacyKey {
  const code = (reply.body as { code?: unknown } | undefined)?.code;
  switch (true) {
    case reply.status === 404:
      return 'noSuchAccount';
    case reply.status === 403:
      return 'wrongPassword';
    case reply.status === 429:
      return 'slowDown';
    case code === 'you_blocked_them':
      return 'youBlockedThem';
    case code === 'list_full':
      return 'listFull';
    default:
      return 'actionFailed';
  }
}
