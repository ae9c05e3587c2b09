import type { NetworkInterfaceInfo } from 'node:os';
import { SetupError } from './setup-error.js';

/** What `os.networkInterfaces()` returns: addresses by interface name. */
export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface LanAddress {
  address: string;
  /** The interface of the default route that carries it. */
  interface: string;
  /** The address with the interface's prefix length, e.g. 192.168.1.20/24. */
  cidr: string;
}

const RTF_UP = 0x1;

/**
 * The interfaces of the IPv4 default routes in a `/proc/net/route` table, lowest metric first.
 * Reading the kernel's table sends no packet (unlike "connect a UDP socket to 8.8.8.8").
 */
export function defaultRouteInterfaces(table: string): string[] {
  const routes: { iface: string; metric: number }[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) {
      continue;
    }
    const [iface, destination, , flags, , , metric, mask] = fields;
    const up = (parseInt(flags, 16) & RTF_UP) !== 0;
    if (up && Number(parseInt(destination, 16)) === 0 && Number(parseInt(mask, 16)) === 0) {
      routes.push({ iface, metric: Number(metric) || 0 });
    }
  }
  return routes.sort((a, b) => a.metric - b.metric).map((route) => route.iface);
}

/**
 * This machine's LAN address: the first IPv4 address of the interface the default route leaves
 * through. Throws a SetupError naming DIALTONE_HOST when there is none.
 */
export function detectLanAddress(routeTable: string, interfaces: Interfaces): LanAddress {
  const candidates = defaultRouteInterfaces(routeTable);
  for (const name of candidates) {
    const address = (interfaces[name] ?? []).find(
      (info) => info.family === 'IPv4' && !info.internal,
    );
    if (address !== undefined && address.cidr !== null) {
      return { address: address.address, interface: name, cidr: address.cidr };
    }
  }
  const seen = candidates.length > 0 ? ` (default route via ${candidates.join(', ')})` : '';
  throw new SetupError(
    `found no IPv4 default route with an address in /proc/net/route${seen}: set DIALTONE_HOST ` +
      'in .env to the address or name phones open (e.g. DIALTONE_HOST=192.168.1.20)',
  );
}
