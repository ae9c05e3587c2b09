import { isIPv4 } from 'node:net';
import { SetupError } from './setup-error.js';

type Range = [number, number];

function toNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function toIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** First and last address of an IPv4 CIDR block ("192.168.1.20/24") or of a single address. */
export function cidrRange(cidr: string): Range {
  const [address, bitsText = '32'] = cidr.split('/');
  const bits = Number(bitsText);
  if (!isIPv4(address) || !/^\d+$/.test(bitsText) || bits > 32) {
    throw new SetupError(`"${cidr}" is not an IPv4 address or CIDR block`);
  }
  const size = 2 ** (32 - bits);
  const first = toNumber(address) - (toNumber(address) % size);
  return [first, first + size - 1];
}

/** `ranges` without the addresses of `holes`, in coturn's "first-last" notation. */
function subtract(range: Range, holes: readonly Range[]): Range[] {
  let pieces: Range[] = [range];
  for (const [holeFirst, holeLast] of holes) {
    pieces = pieces.flatMap(([first, last]): Range[] => {
      if (holeLast < first || holeFirst > last) {
        return [[first, last]];
      }
      const kept: Range[] = [];
      if (holeFirst > first) {
        kept.push([first, holeFirst - 1]);
      }
      if (holeLast < last) {
        kept.push([holeLast + 1, last]);
      }
      return kept;
    });
  }
  return pieces;
}

/**
 * The addresses of the LAN `lanCidr` that the TURN relay may reach, as coturn allowed-peer-ip
 * ranges: the whole block split around the host's own address (and any `excluded` block, e.g.
 * the compose networks). coturn lets an address that is both allowed and denied through, so the
 * host must not be inside any allowed range, or the relay could reach the Dialtone host itself.
 */
export function lanPeerRanges(lanCidr: string, excluded: readonly string[] = []): string[] {
  const host = lanCidr.split('/')[0];
  const holes = [cidrRange(host), ...excluded.map(cidrRange)];
  return subtract(cidrRange(lanCidr), holes).map(([first, last]) =>
    first === last ? toIp(first) : `${toIp(first)}-${toIp(last)}`,
  );
}
