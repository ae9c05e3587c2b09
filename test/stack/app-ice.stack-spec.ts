// The built app in production mode (node dist/main.js, a fresh PostgreSQL database) behind Caddy
// and next to coturn, all from stack.ts, with Chromium in its own network namespace: log in
// through Caddy, and the TURN credentials GET /ice-servers hands out are accepted by coturn
// (turnutils_uclient) and carry a relay-only WebRTC connection in the browser.
// Needs `npm run build` first (DIALTONE_STACK_APP_ENTRY may point at another build's main.js).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { installRelayProbe, runRelayProbe, type IceServer } from './relay-probe.js';
import {
  BIN,
  httpCall,
  requireExecutable,
  run,
  startAppStack,
  Teardown,
  type Stack,
  launchStackChromium,
} from './stack.js';

interface IceServersResponse {
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  ttl: number;
}

describe('the app behind Caddy hands out TURN credentials that coturn accepts', () => {
  const teardown = new Teardown();
  const username = `stack_${randomBytes(3).toString('hex')}`;
  const password = 'correct horse battery staple';
  let stack: Stack;
  let browser: Browser;
  let cookie: string;
  let iceServers: IceServer[];

  beforeAll(async () => {
    requireExecutable(BIN.uclient);
    stack = await startAppStack(teardown);
    browser = await launchStackChromium(stack, teardown);
  });

  afterAll(() => teardown.run());

  const call = (method: string, path: string, options: Parameters<typeof httpCall>[2] = {}) =>
    httpCall(method, `${stack.caddy.origin}${path}`, { ca: stack.caddy.rootCa, ...options });

  it('answers /health through Caddy over HTTPS', async () => {
    const res = await call('GET', '/health');
    assert.equal(res.status, 200, res.body);
  });

  it('sets a Secure, HttpOnly, SameSite=Strict cookie at login behind the proxy', async () => {
    const registered = await call('POST', '/auth/register', { json: { username, password } });
    assert.equal(registered.status, 201, registered.body);
    const login = await call('POST', '/auth/login', { json: { username, password } });
    assert.equal(login.status, 200, login.body);
    const setCookie = (login.headers['set-cookie'] ?? []).find((c) =>
      c.startsWith('dialtone_token='),
    );
    assert.ok(setCookie, 'dialtone_token cookie set');
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    // Secure only if the app believed X-Forwarded-Proto from Caddy (TRUST_PROXY).
    expect(setCookie).toMatch(/; Secure/i);
    cookie = setCookie.split(';')[0];
  });

  it('returns TURN REST credentials for coturn on DIALTONE_HOST', async () => {
    const res = await call('GET', '/ice-servers', { headers: { cookie } });
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body) as IceServersResponse;
    assert.ok(body.ttl > 0);
    iceServers = body.iceServers
      .filter((s) => s.username !== undefined && s.credential !== undefined)
      .map((s) => ({
        urls: Array.isArray(s.urls) ? s.urls : [s.urls],
        username: s.username ?? '',
        credential: s.credential ?? '',
      }));
    assert.equal(iceServers.length, 1, res.body);
    // The TURN URLs the setup step wrote into app.env (UDP and TCP, as in compose), UDP first:
    // the one this coturn answers on.
    expect(iceServers[0].urls).toStrictEqual(stack.setup.env.app.TURN_URLS.split(','));
    expect(iceServers[0].urls[0]).toBe(stack.coturn.url);
    const [expiry] = iceServers[0].username.split(':');
    assert.ok(Number(expiry) > Date.now() / 1000, 'the username starts with a future expiry');
  });

  it('coturn accepts them: turnutils_uclient allocates and relays between two clients', async () => {
    // A second account's credentials: coturn's user-quota (4 allocations per TURN username) would
    // otherwise be spent by uclient's allocations, which outlive it, before Chromium's turn below.
    const other = { username: `${username}u`, password };
    assert.equal((await call('POST', '/auth/register', { json: other })).status, 201);
    const login = await call('POST', '/auth/login', { json: other });
    const otherCookie = (login.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('dialtone_token='))
      ?.split(';')[0];
    assert.ok(otherCookie, 'the second account is logged in');
    const res = await call('GET', '/ice-servers', { headers: { cookie: otherCookie } });
    const body = JSON.parse(res.body) as IceServersResponse;
    const { username: user, credential } = body.iceServers.find((s) => s.credential) ?? {};
    assert.ok(user && credential, res.body);
    const result = await run(
      BIN.uclient,
      [
        ...['-p', String(stack.coturn.port), '-u', user, '-w', credential],
        ...['-e', stack.host, '-y', '-n', '3', '-m', '1', '-c', stack.host],
      ],
      { timeoutMs: 30_000 },
    );
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    const totals = [...output.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/g)].at(-1);
    assert.ok(totals && Number(totals[2]) > 0, output);
  });

  it('Chromium in the namespace connects relay-only with them on the app’s own page', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${stack.caddy.origin}/login`);
      expect(response?.status()).toBe(200);
      await installRelayProbe(page);
      const result = await runRelayProbe(page, iceServers);
      const detail = JSON.stringify(result, null, 2);
      assert.equal(result.state, 'connected', detail);
      assert.equal(result.message, 'hello over relay', detail);
      assert.equal(result.selected?.local.type, 'relay', detail);
      assert.equal(result.selected?.local.address, stack.coturn.relayIp, detail);
    } finally {
      await page.close();
    }
  });
});
