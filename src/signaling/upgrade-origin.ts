import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { TrustProxyFn } from './resume/upgrade-address.js';

/**
 * The origin (scheme://host[:port]) a WebSocket upgrade was addressed to, by the rules Express
 * applies to `req.protocol` and `req.host`: the connection's own scheme and the Host header, or
 * X-Forwarded-Proto and X-Forwarded-Host when the peer is a trusted proxy (TRUST_PROXY). Upgrades
 * never pass through Express, so its request getters are not there to ask.
 */
export function upgradeOrigin(request: IncomingMessage, trust: TrustProxyFn): string | undefined {
  const viaProxy = trust(request.socket.remoteAddress ?? '', 0);
  const own = (request.socket as TLSSocket).encrypted ? 'https' : 'http';
  const scheme = (viaProxy && first(request.headers['x-forwarded-proto'])) || own;
  const host = (viaProxy && first(request.headers['x-forwarded-host'])) || request.headers.host;
  return host ? `${scheme}://${host}` : undefined;
}

/** The first value of a header a chain of proxies may have appended to. */
function first(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0].trim() || undefined;
}
