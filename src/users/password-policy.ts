import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

/** Why a password is refused; each has a sentence in every language (i18n `account`). */
export type PasswordProblem = 'passwordContainsName' | 'passwordCommon' | 'passwordGuessable';

/**
 * zxcvbn's score: 0-1 fall within a million guesses (every common password, "password1",
 * "qwertyuiop", "12345678", "aaaaaaaa"); 2 needs about 10^8. An online attacker is held back by
 * the lock-out, but a stolen hash database is not.
 */
const MIN_SCORE = 2;
/**
 * Only the first characters are estimated: zxcvbn's cost grows fast with length (over 100 ms for
 * 128 characters, on the event loop), and a long password with a strong start is strong.
 */
const ESTIMATED_LENGTH = 64;
/** A display name shorter than this is too likely to occur by chance to be refused in a password. */
const MIN_NAME_IN_PASSWORD = 4;

/** zxcvbn's warnings that mean "this is (close to) a password on the common lists". */
const COMMON_WARNINGS = new Set(['topTen', 'topHundred', 'common', 'similarToCommon']);

/**
 * Loaded on the first password chosen, not at start-up: the dictionaries are about 10 MB of a
 * process's memory, and most processes only ever check passwords at login (argon2, not this).
 */
let estimator: Promise<ZxcvbnFactory> | undefined;

/**
 * Why `password` is too weak for this account, or undefined when it is acceptable: it contains
 * the username (or display name), is on the common-password lists (zxcvbn-ts, offline), or is
 * otherwise guessable within a million tries (repeats, sequences, keyboard patterns, dates).
 */
export async function passwordProblem(
  password: string,
  account: { username: string; displayName?: string },
): Promise<PasswordProblem | undefined> {
  const lower = password.toLowerCase();
  const names = [account.username, account.displayName ?? '']
    .map((name) => name.trim().toLowerCase())
    .filter((name, index) => name.length >= (index === 0 ? 1 : MIN_NAME_IN_PASSWORD));
  if (names.some((name) => lower.includes(name))) {
    return 'passwordContainsName';
  }
  const result = await estimate(password, names);
  if (result.score >= MIN_SCORE) {
    return undefined;
  }
  return COMMON_WARNINGS.has(result.feedback.warning ?? '')
    ? 'passwordCommon'
    : 'passwordGuessable';
}

async function estimate(password: string, userInputs: string[]): Promise<ZxcvbnResult> {
  estimator ??= loadEstimator();
  return (await estimator).check(password, userInputs);
}

async function loadEstimator(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory }, { adjacencyGraphs, dictionary }] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
  ]);
  return new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, maxLength: ESTIMATED_LENGTH });
}
