/**
 * Where `?next=` may send the browser after login: only a path on this site. "//evil.example" and
 * "/\evil.example" are protocol-relative to browsers, so they are refused along with absolute URLs.
 */
export function safeNextPath(next: unknown): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > 512) {
    return undefined;
  }
  if (next.startsWith('//') || next.startsWith('/\\') || /[\s\u0000-\u001f]/.test(next)) {
    return undefined;
  }
  return next;
}
