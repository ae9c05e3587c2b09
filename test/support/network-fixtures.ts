// Route tables (/proc/net/route) and interface lists (os.networkInterfaces()) of made-up machines,
// for the setup step's LAN detection. Addresses are little-endian hex, as the kernel prints them.
import type { NetworkInterfaceInfo } from 'node:os';
import type { Interfaces } from '../../src/setup/lan-address.js';

/** A made-up machine: its route table and its interfaces. */
export interface Machine {
  routes: string;
  interfaces: Interfaces;
}

const HEADER =
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';

/** One route line: `destination`/`mask`/`gateway` as little-endian hex, flags 0x1 up, 0x2 gateway. */
export function route(
  iface: string,
  destination: string,
  gateway: string,
  flags: number,
  metric: number,
  mask: string,
): string {
  const hex = flags.toString(16).padStart(4, '0');
  return `${iface}\t${destination}\t${gateway}\t${hex}\t0\t0\t${metric}\t${mask}\t0\t0\t0`;
}

export function routeTable(...routes: string[]): string {
  return [HEADER, ...routes, ''].join('\n');
}

function ipv4(address: string, prefix: number, internal = false): NetworkInterfaceInfo {
  const mask = [0, 1, 2, 3]
    .map((i) => 256 - 2 ** Math.max(0, 8 - Math.max(0, prefix - 8 * i)))
    .map((octet) => (octet === 256 ? 0 : octet))
    .join('.');
  return {
    address,
    netmask: mask,
    family: 'IPv4',
    mac: '02:00:00:00:00:01',
    internal,
    cidr: `${address}/${prefix}`,
  };
}

function ipv6(address: string): NetworkInterfaceInfo {
  return {
    address,
    netmask: 'ffff:ffff:ffff:ffff::',
    family: 'IPv6',
    mac: '02:00:00:00:00:01',
    internal: false,
    cidr: `${address}/64`,
    scopeid: 0,
  };
}

/** A laptop on Wi-Fi (192.168.1.20/24 on wlan0) with Docker's bridge and a VPN interface. */
export const LAPTOP: Machine = {
  routes: routeTable(
    route('wlan0', '00000000', '0101A8C0', 0x3, 600, '00000000'),
    route('wlan0', '0001A8C0', '00000000', 0x1, 600, '00FFFFFF'),
    route('docker0', '000011AC', '00000000', 0x1, 0, '0000FFFF'),
    route('tun0', '0000080A', '00000000', 0x1, 50, '0000FFFF'),
  ),
  interfaces: {
    lo: [ipv4('127.0.0.1', 8, true)],
    wlan0: [ipv6('fe80::1'), ipv4('192.168.1.20', 24)],
    docker0: [ipv4('172.17.0.1', 16)],
    tun0: [ipv4('10.8.0.5', 16)],
  },
};

/** Wired and Wi-Fi both up: two default routes, the wired one with the lower metric wins. */
export const TWO_DEFAULTS: Machine = {
  routes: routeTable(
    route('wlan0', '00000000', '0101A8C0', 0x3, 600, '00000000'),
    route('eth0', '00000000', '01000A0A', 0x3, 100, '00000000'),
    route('eth0', '00000A0A', '00000000', 0x1, 100, '0000FFFF'),
  ),
  interfaces: {
    lo: [ipv4('127.0.0.1', 8, true)],
    eth0: [ipv4('10.10.3.7', 16)],
    wlan0: [ipv4('192.168.1.20', 24)],
  },
};

/** No default route at all (an isolated machine): detection must ask for DIALTONE_HOST. */
export const NO_DEFAULT: Machine = {
  routes: routeTable(route('eth0', '0001A8C0', '00000000', 0x1, 0, '00FFFFFF')),
  interfaces: { lo: [ipv4('127.0.0.1', 8, true)], eth0: [ipv4('192.168.1.20', 24)] },
};

/** A default route that is down, and one via an interface without an IPv4 address. */
export const DEFAULT_WITHOUT_ADDRESS: Machine = {
  routes: routeTable(
    route('eth0', '00000000', '0101A8C0', 0x2, 0, '00000000'),
    route('wg0', '00000000', '00000000', 0x1, 10, '00000000'),
  ),
  interfaces: {
    lo: [ipv4('127.0.0.1', 8, true)],
    eth0: [ipv4('192.168.1.20', 24)],
    wg0: [ipv6('fd00::2')],
  },
};
