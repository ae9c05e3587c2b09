/** Account names that must be refused: lengths, punctuation, spaces, look-alikes, injection. */
export const INVALID_USERNAMES: readonly string[] = [
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
  '\u0130van', // İ, which lower-cases to two code points
  'K\u212Aelvin', // Kelvin sign, which lower-cases to k
  'ﬃx',
  'alice@home',
  'a/b',
  "a'; DROP TABLE users;--",
  '%lice',
];
