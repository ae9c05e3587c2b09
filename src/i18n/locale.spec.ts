import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { en } from './en.js';
import { LOCALES, TRANSLATIONS, localeFromAcceptLanguage, matchLocale } from './locale.js';
import { format } from './translation.js';

describe('localeFromAcceptLanguage', () => {
  it('picks Simplified Chinese for zh tags', () => {
    assert.equal(localeFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8'), 'zh-CN');
    assert.equal(localeFromAcceptLanguage('zh-Hans-CN'), 'zh-CN');
  });

  it('honours q-values over order', () => {
    assert.equal(localeFromAcceptLanguage('en;q=0.5, zh;q=0.9'), 'zh-CN');
    assert.equal(localeFromAcceptLanguage('zh;q=0, en'), 'en');
  });

  it('skips languages it does not have and falls back to English', () => {
    assert.equal(localeFromAcceptLanguage('fr-FR, zh;q=0.4'), 'zh-CN');
    assert.equal(localeFromAcceptLanguage('fr-FR, de'), 'en');
    assert.equal(localeFromAcceptLanguage(undefined), 'en');
    assert.equal(localeFromAcceptLanguage(''), 'en');
  });
});

describe('matchLocale', () => {
  it('accepts any casing and refuses unknown tags', () => {
    assert.equal(matchLocale('ZH-cn'), 'zh-CN');
    assert.equal(matchLocale('en-GB'), 'en');
    assert.equal(matchLocale('fr'), undefined);
    assert.equal(matchLocale(undefined), undefined);
  });
});

describe('translations', () => {
  it('exist for every listed locale and differ from English', () => {
    for (const { locale } of LOCALES) {
      const translation = TRANSLATIONS[locale];
      assert.deepEqual(Object.keys(translation.ui).sort(), Object.keys(en.ui).sort());
      assert.deepEqual(Object.keys(translation.codes).sort(), Object.keys(en.codes).sort());
      for (const sentence of [
        ...Object.values(translation.ui),
        ...Object.values(translation.codes),
      ]) {
        assert.notEqual(sentence.trim(), '', `${locale} has an empty sentence`);
      }
    }
    assert.notEqual(TRANSLATIONS['zh-CN'].codes.offline, en.codes.offline);
  });

  it('fill placeholders and keep unknown ones visible', () => {
    assert.equal(format(en.codes.offline, { peer: 'bob' }), 'bob is offline.');
    assert.equal(format('{peer} and {other}', { peer: 'bob' }), 'bob and {other}');
  });
});
