import { describe, expect, it } from '@jest/globals';
import { passwordProblem } from './password-policy.js';

const alice = { username: 'alice' };

describe('passwordProblem', () => {
  it('refuses the passwords attackers try first', async () => {
    for (const password of [
      'password',
      '12345678',
      'password1',
      'iloveyou',
      'qwertyuiop',
      'P@ssw0rd',
      'sunshine',
      'Password123!',
      'letmein123',
    ]) {
      expect([password, await passwordProblem(password, alice)]).toStrictEqual([
        password,
        'passwordCommon',
      ]);
    }
  });

  it('refuses passwords guessable by their pattern', async () => {
    for (const password of ['aaaaaaaa', 'abcdefgh', 'p'.repeat(128), 'zyxwvutsrq']) {
      expect([password, await passwordProblem(password, alice)]).toStrictEqual([
        password,
        'passwordGuessable',
      ]);
    }
  });

  it('refuses a password containing the username or display name, in any case', async () => {
    expect(await passwordProblem('alice', alice)).toBe('passwordContainsName');
    expect(await passwordProblem('my ALICE is strong 1', alice)).toBe('passwordContainsName');
    expect(
      await passwordProblem('hello Wonderland friend', {
        username: 'bob',
        displayName: 'Wonderland',
      }),
    ).toBe('passwordContainsName');
    // A display name too short to mean anything is not looked for.
    expect(await passwordProblem('al gore rhythm 42', { username: 'bob', displayName: 'Al' })).toBe(
      undefined,
    );
  });

  it('accepts passphrases and random passwords', async () => {
    for (const password of [
      'correct horse battery',
      'long enough',
      'bob relays everything too',
      '8 chars!',
      'Tr0ub4dor&3x',
      'x7Gq!'.repeat(25),
    ]) {
      expect([password, await passwordProblem(password, alice)]).toStrictEqual([
        password,
        undefined,
      ]);
    }
  });
});
