import { en } from './en.js';
import type { Translation } from './translation.js';
import { zhCN } from './zh-cn.js';

/** The languages of the call page, as BCP 47 tags. */
export type Locale = 'en' | 'zh-CN';

export const DEFAULT_LOCALE: Locale = 'en';

/** Every language with its own name, which is how a language picker should list it. */
export const LOCALES: readonly { locale: Locale; name: string }[] = [
  { locale: 'en', name: 'English' },
  { locale: 'zh-CN', name: '简体中文' },
];

export const TRANSLATIONS: Readonly<Record<Locale, Translation>> = { en, 'zh-CN': zhCN };

/** Where a browser's explicit choice is remembered (the server reads it, the page writes it). */
export const LOCALE_COOKIE = 'dialtone_lang';
/** The query parameter that switches language, e.g. `/webrtc/alice?lang=zh-CN`. */
export const LOCALE_QUERY = 'lang';

/** One of our locales for a tag such as "zh-cn", "zh-Hans-CN" or "en-GB"; undefined if none fits. */
export function matchLocale(tag: string | undefined | null): Locale | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') {
    // Only Simplified Chinese is translated; Traditional readers still understand it better than English.
    return 'zh-CN';
  }
  return primary === 'en' ? 'en' : undefined;
}

/** The best locale for an Accept-Language header, honouring q-values; English when nothing fits. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)).find(Boolean);
      return { tag, quality: q ? Number(q[1]) : 1, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = matchLocale(tag);
    if (locale) {
      return locale;
    }
  }
  return DEFAULT_LOCALE;
}
