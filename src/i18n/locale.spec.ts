import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import { en } from './en.js';
import { LOCALES, TRANSLATIONS, localeFromAcceptLanguage, matchLocale } from './locale.js';
import { format } from './translation.js';
import { waitTime } from './wait-time.js';

describe('localeFromAcceptLanguage', () => {
  it('picks Simplified Chinese for zh tags', () => {
    expect(localeFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('zh-Hans-CN')).toBe('zh-CN');
  });

  it('honours q-values over order', () => {
    expect(localeFromAcceptLanguage('en;q=0.5, zh;q=0.9')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('zh;q=0, en')).toBe('en');
  });

  it('skips languages it does not have and falls back to English', () => {
    expect(localeFromAcceptLanguage('fr-FR, zh;q=0.4')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('fr-FR, de')).toBe('en');
    expect(localeFromAcceptLanguage(undefined)).toBe('en');
    expect(localeFromAcceptLanguage('')).toBe('en');
  });
});

describe('matchLocale', () => {
  it('accepts any casing and refuses unknown tags', () => {
    expect(matchLocale('ZH-cn')).toBe('zh-CN');
    expect(matchLocale('en-GB')).toBe('en');
    expect(matchLocale('fr')).toBe(undefined);
    expect(matchLocale(undefined)).toBe(undefined);
  });
});

describe('translations', () => {
  it('exist for every listed locale and differ from English', () => {
    for (const { locale } of LOCALES) {
      const translation = TRANSLATIONS[locale];
      expect(Object.keys(translation.ui).sort()).toStrictEqual(Object.keys(en.ui).sort());
      expect(Object.keys(translation.codes).sort()).toStrictEqual(Object.keys(en.codes).sort());
      expect(Object.keys(translation.account).sort()).toStrictEqual(Object.keys(en.account).sort());
      expect(Object.keys(translation.verify).sort()).toStrictEqual(Object.keys(en.verify).sort());
      for (const sentence of [
        ...Object.values(translation.ui),
        ...Object.values(translation.codes),
        ...Object.values(translation.account),
        ...Object.values(translation.verify),
      ]) {
        assert.notEqual(sentence.trim(), '', `${locale} has an empty sentence`);
      }
    }
    expect(TRANSLATIONS['zh-CN'].codes.offline).not.toBe(en.codes.offline);
  });

  it('write Chinese with Chinese punctuation: no ASCII , : ; ! ? ( ) next to Chinese text', () => {
    const translation = TRANSLATIONS['zh-CN'];
    const sentences = [
      translation.ui,
      translation.codes,
      translation.account,
      translation.verify,
    ].flatMap((table) => Object.entries(table));
    const han = '\\p{Script=Han}';
    const asciiNextToHan = new RegExp(`${han}\\s*[,:;!?()]|[,:;!?()]\\s*${han}`, 'u');
    const offending = sentences.filter(([, sentence]) => asciiNextToHan.test(sentence));
    expect(offending).toStrictEqual([]);
    expect(sentences.length).toBeGreaterThan(100);
  });

  it('say waits the way people do: minutes from one minute up, rounded up', () => {
    expect(waitTime(899, 'en')).toBe('15 minutes');
    expect(waitTime(60, 'en')).toBe('1 minute');
    expect(waitTime(61, 'en')).toBe('2 minutes');
    expect(waitTime(1, 'en')).toBe('1 second');
    expect(waitTime(0.2, 'en')).toBe('1 second');
    expect(waitTime(42, 'en')).toBe('42 seconds');
    expect(waitTime(899, 'zh-CN')).toBe('15 分钟');
  });

  it('fill placeholders and keep unknown ones visible', () => {
    expect(format(en.codes.offline, { peer: 'bob' })).toBe('bob is offline.');
    expect(format('{peer} and {other}', { peer: 'bob' })).toBe('bob and {other}');
  });
});
