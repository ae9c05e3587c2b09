import type { AppConfig } from '../config/app-config.js';

/** An Origin header in its canonical form (lower-case host, default port dropped), or undefined. */
export function canonicalOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a browser's Origin is this server's own: PUBLIC_URL, one of ALLOWED_ORIGINS, or — only
 * when PUBLIC_URL is not set — the origin the request itself was addressed to (`selfOrigin`, scheme
 * included, so that http://HOST is not taken for https://HOST). With PUBLIC_URL set, the request's
 * own origin does not count: behind a TLS proxy it arrives as plain http://HOST, which must not
 * pass for https://HOST. Full origins are compared, never host names alone.
 */
export function isTrustedOrigin(
  origin: string,
  selfOrigin: string | undefined,
  config: Pick<AppConfig, 'publicOrigin' | 'allowedOrigins'>,
): boolean {
  const canonical = canonicalOrigin(origin);
  if (canonical === undefined) {
    return false; // "null" (sandboxed frames, file: pages) and anything unparsable
  }
  return (
    canonical === config.publicOrigin ||
    config.allowedOrigins.includes(canonical) ||
    (config.publicOrigin === undefined &&
      selfOrigin !== undefined &&
      canonical === canonicalOrigin(selfOrigin))
  );
}

/**
 * Whether a state-changing request was sent by a page of another site (login CSRF), judged by
 * what browsers add to every such request: `Sec-Fetch-Site`, which a page cannot forge, and
 * `Origin`. A request with neither comes from a program, not from a page, and is not refused.
 */
export function isCrossSiteRequest(
  fetchSite: string | undefined,
  origin: string | undefined,
  trusted: (origin: string) => boolean,
): boolean {
  if (fetchSite === 'same-origin') {
    return false;
  }
  if (origin !== undefined) {
    return !trusted(origin);
  }
  // A browser that says another site (or a sibling subdomain) sent it but hides the Origin.
  return fetchSite === 'cross-site' || fetchSite === 'same-site';
}
