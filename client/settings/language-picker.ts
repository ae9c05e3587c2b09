import { matchLocale } from '../../src/i18n/locale.js';
import type { Translator } from '../i18n/translator.js';

/** The language menu: switches the page in place, so a call in progress goes on. */
export function startLanguagePicker(select: HTMLSelectElement, translator: Translator): void {
  select.value = translator.locale;
  select.addEventListener('change', () => {
    const locale = matchLocale(select.value);
    if (locale) {
      translator.switchTo(locale);
    }
  });
}
