import { LOCALE_COOKIE, LOCALE_QUERY, type Locale, TRANSLATIONS } from '../../src/i18n/locale.js';
import { format, type Placeholders, type UiKey } from '../../src/i18n/translation.js';
import type { MessageCode } from '../../src/signaling/protocol.js';

/**
 * Something to tell the user, kept as keys rather than text so that it can be shown again in
 * another language after a switch. `reason` fills a `{reason}` placeholder ("Ended: {reason}").
 */
export type Sentence =
  | { key: UiKey; values?: Placeholders; reason?: Sentence }
  | { code: MessageCode; values?: Placeholders };

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** Attributes that mark server-rendered text with the key it was rendered from. */
const LABELLED_ATTRIBUTES = [
  ['data-i18n-label', 'aria-label'],
  ['data-i18n-placeholder', 'placeholder'],
] as const;

/** The page's language: renders sentences, and relabels the page when the user switches. */
export class Translator {
  private readonly listeners: (() => void)[] = [];

  constructor(private current: Locale) {}

  get locale(): Locale {
    return this.current;
  }

  text(sentence: Sentence): string {
    const translation = TRANSLATIONS[this.current];
    if ('code' in sentence) {
      return format(translation.codes[sentence.code], sentence.values);
    }
    const values = sentence.reason
      ? { ...sentence.values, reason: this.text(sentence.reason) }
      : sentence.values;
    return format(translation.ui[sentence.key], values);
  }

  /** Called after every switch, for text the page wrote itself (status line, lists). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Switches without a reload (a call may be going on) and remembers the choice. */
  switchTo(locale: Locale): void {
    this.current = locale;
    document.documentElement.lang = locale;
    document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax`;
    const url = new URL(location.href);
    url.searchParams.set(LOCALE_QUERY, locale);
    history.replaceState(history.state, '', url);
    this.relabel(document);
    // The document title is the call alerts' (it may flash an incoming call): they listen too.
    for (const listener of this.listeners) {
      listener();
    }
  }

  private relabel(root: ParentNode): void {
    const ui = TRANSLATIONS[this.current].ui;
    const keyOf = (element: Element, attribute: string): UiKey | undefined => {
      const key = element.getAttribute(attribute);
      return key !== null && key in ui ? (key as UiKey) : undefined;
    };
    for (const element of root.querySelectorAll('[data-i18n]')) {
      const key = keyOf(element, 'data-i18n');
      if (key) {
        element.textContent = ui[key];
      }
    }
    for (const [marker, attribute] of LABELLED_ATTRIBUTES) {
      for (const element of root.querySelectorAll(`[${marker}]`)) {
        const key = keyOf(element, marker);
        if (key) {
          element.setAttribute(attribute, ui[key]);
        }
      }
    }
  }
}
