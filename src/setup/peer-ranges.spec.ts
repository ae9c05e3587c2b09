import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { cidrRange, lanPeerRanges } from './peer-ranges.js';
import { SetupError } from './setup-error.js';

const toNumber = (ip: string) => ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);

/** Whether `ip` is inside one of coturn's "first-last" (or single-address) ranges. */
function inRanges(ip: string, ranges: string[]): boolean {
  return ranges.some((range) => {
    const [first, last = first] = range.split('-');
    return toNumber(first) <= toNumber(ip) && toNumber(ip) <= toNumber(last);
  });
}

describe('TURN peer ranges for a LAN', () => {
  it('splits the LAN around the host’s own address', () => {
    expect(lanPeerRanges('192.168.1.20/24')).toStrictEqual([
      '192.168.1.0-192.168.1.19',
      '192.168.1.21-192.168.1.255',
    ]);
    expect(lanPeerRanges('192.168.1.0/24')).toStrictEqual(['192.168.1.1-192.168.1.255']);
    expect(lanPeerRanges('10.0.0.2/30')).toStrictEqual(['10.0.0.0-10.0.0.1', '10.0.0.3']);
    expect(lanPeerRanges('10.0.0.7/32')).toStrictEqual([]);
  });

  it('also leaves out excluded blocks (the compose network between Caddy and the app)', () => {
    expect(lanPeerRanges('172.30.0.9/16', ['172.30.57.0/24'])).toStrictEqual([
      '172.30.0.0-172.30.0.8',
      '172.30.0.10-172.30.56.255',
      '172.30.58.0-172.30.255.255',
    ]);
  });

  it('never contains the host, and covers every other address of the LAN', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        fc.tuple(octet, octet, octet, octet),
        fc.integer({ min: 8, max: 32 }),
        octet,
        (parts, prefix, probeLast) => {
          const host = parts.join('.');
          const ranges = lanPeerRanges(`${host}/${prefix}`);
          assert.ok(!inRanges(host, ranges), `${host}/${prefix}: ${ranges.join(',')}`);
          const [first, last] = cidrRange(`${host}/${prefix}`);
          for (const range of ranges) {
            const [a, b = a] = range.split('-');
            assert.ok(toNumber(a) >= first && toNumber(b) <= last, 'inside the LAN');
          }
          const probe = [...parts.slice(0, 3), probeLast].join('.');
          const inLan = toNumber(probe) >= first && toNumber(probe) <= last;
          expect(inRanges(probe, ranges)).toBe(inLan && probe !== host);
        },
      ),
    );
  });

  it('refuses what is not an IPv4 block', () => {
    assert.throws(() => lanPeerRanges('fd00::1/64'), SetupError);
    assert.throws(() => lanPeerRanges('192.168.1.20/33'), SetupError);
  });
});
