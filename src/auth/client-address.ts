import { isIPv6 } from 'node:net';

/**
 * The key a client address is rate limited under: the address itself for IPv4 (IPv4-mapped IPv6
 * included), the /64 prefix for IPv6 — one subscriber usually holds a whole /64, so counting
 * single IPv6 addresses would let one client rotate through billions of them.
 */
export function clientAddressKey(ip: string): string {
  const address = ip.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) {
    return mapped[1];
  }
  if (!isIPv6(address)) {
    return address;
  }
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const prefix = groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}
