/**
 * A LIKE pattern for "starts with `prefix`", lower-cased, with LIKE's wildcards (% and _) and the
 * escape character itself taken literally (use with `ESCAPE '\'`).
 */
export function likePrefix(prefix: string): string {
  return `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
