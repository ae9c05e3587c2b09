/**
 * Account names: 3-32 characters of a-z 0-9 _ . -, starting with a letter or digit, stored
 * lower-case. Only ASCII capitals are folded, so look-alikes such as Cyrillic "а" or the Turkish
 * "İ" (which lower-cases to two code points) are rejected instead of silently aliasing an account.
 * Pure: shared by the server and the browser client.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/;

export const USERNAME_RULE =
  'username must be 3-32 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit';

/** The stored form of a username, or undefined when it is not a valid account name. */
export function normalizeUsername(value: unknown): string | undefined {
  return typeof value === 'string' && USERNAME_PATTERN.test(value)
    ? value.toLowerCase()
    : undefined;
}
