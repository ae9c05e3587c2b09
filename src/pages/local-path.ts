/**
 * Where `?next=` may send the browser after login: only a path on this site. "//evil.example" and
 * "/\evil.example" are protocol-relative to browsers, so they are refused along with absolute URLs;
 * only printable ASCII (no spaces or control characters) passes.
 */
export function safeNextPath(next: unknown): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > 512) {
    return undefined;
  }
  if (next.startsWith('//') || next.startsWith('/\\') || !/^[!-~]+$/.test(next)) {
    return undefined;
  }
  return next;
}
