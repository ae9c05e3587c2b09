import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import { normalizeUsername, USERNAME_PATTERN } from './username.js';
import { INVALID_USERNAMES } from '../../test/support/invalid-usernames.js';

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
    for (const input of INVALID_USERNAMES) {
      assert.equal(normalizeUsername(input), undefined, JSON.stringify(input));
    }
  });

  it('refuses non-strings', () => {
    for (const input of [undefined, null, 123, ['alice'], { username: 'alice' }]) {
      expect(normalizeUsername(input)).toBe(undefined);
    }
  });
});
