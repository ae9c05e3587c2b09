import { afterEach, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { AUTH_COOKIE } from '../src/auth/auth-cookie.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

/**
 * A cookie-authenticated upgrade as a browser sends it from `origin`, addressed to `host` (as a
 * proxy in front passes it on), plus any proxy headers: the status it got, 101 when accepted.
 */
async function upgradeStatus(
  app: TestApp,
  origin: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const user = await createUser(app.baseUrl, 'origin');
  const socket = new WebSocket(`${app.baseUrl.replace(/^http/, 'ws')}/signaling`, {
    headers: { cookie: `${AUTH_COOKIE}=${user.token}`, origin, ...headers },
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

describe('signaling: the upgrade Origin is compared whole (scheme, host, port)', () => {
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('PUBLIC_URL https://HOST: an http://HOST page is refused, the https one accepted', async () => {
    app = await startTestApp({
      PUBLIC_URL: 'https://calls.example',
      AUTH_RATE_PER_ADDRESS: '100000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
    });
    // Behind a TLS proxy the upgrade reaches the app as plain http, addressed to HOST.
    const viaProxy = { host: 'calls.example' };
    expect(await upgradeStatus(app, 'http://calls.example', viaProxy)).toBe(403);
    expect(await upgradeStatus(app, 'https://calls.example', viaProxy)).toBe(101);
  });

  it('no PUBLIC_URL: the scheme the upgrade came in with; X-Forwarded-Proto only with TRUST_PROXY', async () => {
    app = await startTestApp({ AUTH_RATE_PER_ADDRESS: '100000' });
    const plain = app.baseUrl; // http://127.0.0.1:<port>
    const tls = plain.replace(/^http:/, 'https:');
    expect(await upgradeStatus(app, plain)).toBe(101);
    expect(await upgradeStatus(app, tls)).toBe(403);
    // A header anyone can send is not believed from an untrusted peer.
    expect(await upgradeStatus(app, tls, { 'x-forwarded-proto': 'https' })).toBe(403);
    await app.close();

    app = await startTestApp({ TRUST_PROXY: 'loopback', AUTH_RATE_PER_ADDRESS: '100000' });
    const proxied = { host: 'calls.example', 'x-forwarded-proto': 'https' };
    expect(await upgradeStatus(app, 'https://calls.example', proxied)).toBe(101);
    expect(await upgradeStatus(app, 'http://calls.example', proxied)).toBe(403);
  });
});
