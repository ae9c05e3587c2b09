import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeUsername, USERNAME_PATTERN } from './username.js';

describe('normalizeUsername', () => {
  it('accepts 3-32 characters of a-z 0-9 _ . - starting with a letter or digit, folding case', () => {
    const valid: Record<string, string> = {
      abc: 'abc',
      Alice: 'alice',
      'b.2': 'b.2',
      '9lives': '9lives',
      'Mary-Jane_O.K': 'mary-jane_o.k',
      ['A'.repeat(32)]: 'a'.repeat(32),
    };
    for (const [input, stored] of Object.entries(valid)) {
      assert.equal(normalizeUsername(input), stored, input);
      assert.ok(USERNAME_PATTERN.test(input));
    }
  });

  it('refuses wrong lengths, leading punctuation, spaces, look-alikes and injection', () => {
    const invalid = [
      '',
      'ab',
      'a'.repeat(33),
      '_alice',
      '.alice',
      '-alice',
      'al ice',
      ' alice',
      'alice\n',
      '\u0430lice', // Cyrillic а
      '\u0130van', // İ
      'K\u212Aelvin', // Kelvin sign, which lower-cases to k
      'ﬃx',
      'alice@home',
      'a/b',
      "a'; DROP TABLE users;--",
      '%lice',
    ];
    for (const input of invalid) {
      assert.equal(normalizeUsername(input), undefined, JSON.stringify(input));
    }
  });

  it('refuses non-strings', () => {
    for (const input of [undefined, null, 123, ['alice'], { username: 'alice' }]) {
      assert.equal(normalizeUsername(input), undefined);
    }
  });
});
