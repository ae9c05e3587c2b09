import type { IncomingMessage } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';
import { clientAddressKey } from '../../auth/client-address.js';

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`). */
export type TrustProxyFn = (address: string, hop: number) => boolean;

/**
 * The client address of a WebSocket upgrade, by the rule Express applies to `req.ip`
 * (proxy-addr): start at the socket's peer and step back through X-Forwarded-For while the hop
 * is a trusted proxy. Upgrades never pass through Express, so its `req.ip` is not there to ask.
 */
export function upgradeAddress(request: IncomingMessage, trust: TrustProxyFn): string {
  const forwarded = (request.headers['x-forwarded-for'] ?? '')
    .toString()
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '')
    .reverse();
  const hops = [request.socket.remoteAddress ?? '', ...forwarded];
  let hop = 0;
  while (hop < hops.length - 1 && trust(hops[hop], hop)) {
    hop += 1;
  }
  return hops[hop];
}

/**
 * The key every per-address limit counts an upgrade under (clientAddressKey: an IPv6 client by
 * its /64), by the same TRUST_PROXY rule as HTTP requests.
 */
export function upgradeClientKey(request: IncomingMessage, trust: TrustProxyFn): string {
  return clientAddressKey(upgradeAddress(request, trust));
}

/** Express's compiled TRUST_PROXY rule, so that upgrades and HTTP requests agree. */
export function expressTrust(adapterHost: HttpAdapterHost): TrustProxyFn {
  return adapterHost.httpAdapter
    .getInstance<{ get(name: 'trust proxy fn'): TrustProxyFn }>()
    .get('trust proxy fn');
}
