import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_WITHOUT_ADDRESS,
  LAPTOP,
  NO_DEFAULT,
  TWO_DEFAULTS,
} from '../../test/support/network-fixtures.js';
import { defaultRouteInterfaces, detectLanAddress } from './lan-address.js';
import { SetupError } from './setup-error.js';

describe('LAN address from /proc/net/route', () => {
  it('takes the address of the default route’s interface, not Docker’s bridge or a VPN', () => {
    expect(defaultRouteInterfaces(LAPTOP.routes)).toStrictEqual(['wlan0']);
    expect(detectLanAddress(LAPTOP.routes, LAPTOP.interfaces)).toStrictEqual({
      address: '192.168.1.20',
      interface: 'wlan0',
      cidr: '192.168.1.20/24',
    });
  });

  it('prefers the default route with the lowest metric when there are several', () => {
    expect(defaultRouteInterfaces(TWO_DEFAULTS.routes)).toStrictEqual(['eth0', 'wlan0']);
    expect(detectLanAddress(TWO_DEFAULTS.routes, TWO_DEFAULTS.interfaces).address).toBe(
      '10.10.3.7',
    );
  });

  it('ignores a route that is down and an interface without an IPv4 address', () => {
    expect(defaultRouteInterfaces(DEFAULT_WITHOUT_ADDRESS.routes)).toStrictEqual(['wg0']);
    assert.throws(
      () => detectLanAddress(DEFAULT_WITHOUT_ADDRESS.routes, DEFAULT_WITHOUT_ADDRESS.interfaces),
      (error: unknown) =>
        error instanceof SetupError &&
        /DIALTONE_HOST/.test(error.message) &&
        /via wg0/.test(error.message),
    );
  });

  it('without a default route, asks for DIALTONE_HOST by name', () => {
    expect(defaultRouteInterfaces(NO_DEFAULT.routes)).toStrictEqual([]);
    assert.throws(
      () => detectLanAddress(NO_DEFAULT.routes, NO_DEFAULT.interfaces),
      (error: unknown) =>
        error instanceof SetupError && /set DIALTONE_HOST in \.env/.test(error.message),
    );
    assert.throws(() => detectLanAddress('', {}), SetupError);
  });
});
