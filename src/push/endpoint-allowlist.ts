import { isIP } from 'node:net';

/**
 * Where the server may send pushes. A subscription's endpoint comes from the browser and the
 * server will POST to it, so it is an SSRF vector: only known push services are accepted.
 * `origin` matches one exact origin (scheme, host, port); `suffix` matches `https:` hosts under
 * a domain (`*.notify.windows.com`), default port only.
 */
export type EndpointPattern =
  | { readonly kind: 'origin'; readonly origin: string }
  | { readonly kind: 'suffix'; readonly suffix: string };

/** FCM (Chrome, Edge on Android), Mozilla autopush, Windows (WNS) and Apple's push services. */
export const DEFAULT_PUSH_ENDPOINTS = [
  'https://fcm.googleapis.com',
  'https://updates.push.services.mozilla.com',
  '*.notify.windows.com',
  'https://web.push.apple.com',
  '*.push.apple.com',
];

/** Parses PUSH_ALLOWED_ENDPOINTS entries; throws an Error naming the bad entry. */
export function parseEndpointPatterns(entries: readonly string[]): EndpointPattern[] {
  return entries.map((entry) => {
    if (/^\*\.[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(entry)) {
      return { kind: 'suffix', suffix: entry.slice(1).toLowerCase() };
    }
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    const bare = url && url.origin + '/' === url.href;
    if (!url || !bare || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new Error(`has "${entry}": write an origin (https://host[:port]) or *.domain`);
    }
    return { kind: 'origin', origin: url.origin };
  });
}

/**
 * Why the server will not send to `endpoint`, or undefined when it may. Wildcards never match
 * IP literals, `localhost` or plain `http:`; only an origin listed exactly (as tests do for a
 * loopback push service) reaches such an address.
 */
export function endpointProblem(
  endpoint: string,
  patterns: readonly EndpointPattern[],
): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'endpoint must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') {
    return 'endpoint must not carry credentials';
  }
  if (patterns.some((pattern) => pattern.kind === 'origin' && pattern.origin === url.origin)) {
    return undefined;
  }
  if (url.protocol !== 'https:') {
    return 'endpoint must be an https: URL of a known push service';
  }
  const host = url.hostname.toLowerCase();
  if (
    isIP(host.replace(/^\[|\]$/g, '')) !== 0 ||
    host === 'localhost' ||
    host.endsWith('.localhost')
  ) {
    return 'endpoint must name a push service, not an IP address or a local host';
  }
  const matched = patterns.some(
    (pattern) => pattern.kind === 'suffix' && url.port === '' && host.endsWith(pattern.suffix),
  );
  return matched ? undefined : `endpoint ${url.host} is not a known push service`;
}
