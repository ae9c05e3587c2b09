import type { MessageCode } from '../signaling/protocol.js';
import type { en } from './en.js';
import type { privacyEn } from './privacy.en.js';
import type { verifyEn } from './verify.en.js';
import type { trustEn } from './trust.en.js';

/** A key of a page label or status sentence; English defines the set. */
export type UiKey = keyof typeof en.ui;
/** A key of a sentence of the account pages and API (registration, login). */
export type AccountKey = keyof typeof en.account;
/** A key of a sentence of contacts, privacy settings and the account page. */
export type PrivacyKey = keyof typeof privacyEn;
/** A key of a sentence of call verification (client/verify/). */
export type VerifyKey = keyof typeof verifyEn;
/** A key of a sentence of /trust, the page that hands out the local root certificate. */
export type TrustKey = keyof typeof trustEn;

/**
 * One language's sentences. Typed as records over the key unions so that a label or a server code
 * left untranslated is a compile error, not a blank on screen.
 */
export interface Translation {
  ui: Record<UiKey, string>;
  codes: Record<MessageCode, string>;
  account: Record<AccountKey, string>;
  privacy: Record<PrivacyKey, string>;
  verify: Record<VerifyKey, string>;
  trust: Record<TrustKey, string>;
}

/** Values for the `{name}` placeholders of a sentence. */
export type Placeholders = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders; an unknown placeholder is left as written so it shows in review. */
export function format(sentence: string, values: Placeholders = {}): string {
  return sentence.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
