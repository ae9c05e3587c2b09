// The deployment end to end, natively: coturn (deploy/turnserver.conf), Caddy (deploy/Caddyfile)
// and the built app in production mode on PostgreSQL, all from stack.ts, with two headless
// Chromium browsers in the stack's network namespace. Both log in through https:// Caddy
// (trusting Caddy's root CA through an NSS DB, no certificate errors ignored), turn the relay-only
// privacy switch on and complete a call on the real call page: media can only take the path
// through coturn, with the credentials the app issued. And the signaling WebSocket, upgraded
// through Caddy with a valid login cookie, is refused from a foreign Origin.
// Needs `npm run build` first (DIALTONE_STACK_APP_ENTRY may point at another build's main.js).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { Account } from '../browser/call-page-driver.js';
import { eventually } from '../browser/eventually.js';
import type { SelectedPath } from '../browser/probe.js';
import { callersOnStack, httpCall, startAppStack, Teardown, type Stack } from './stack.js';

const FOREIGN_ORIGIN = 'https://evil.example';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The HTTP status a WebSocket upgrade to `url` gets (101 when it is switched), with the client's
 * `Origin` and login cookie, trusting only `ca`. The socket is closed again either way.
 */
function upgradeStatus(url: string, origin: string, cookie: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ca, origin, headers: { cookie }, handshakeTimeout: 5_000 });
    let switched = 0;
    ws.on('error', reject);
    ws.once('upgrade', (res) => {
      switched = res.statusCode ?? 0;
    });
    ws.once('open', () => {
      resolve(switched);
      ws.terminate();
    });
    ws.once('unexpected-response', (req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
  });
}

describe('a relay-only call between two Chromium browsers through Caddy, the app and coturn', () => {
  const teardown = new Teardown();
  const suffix = randomBytes(3).toString('hex');
  const alice: Account = { username: `alice_${suffix}`, password: 'alice relays everything' };
  const bob: Account = { username: `bob_${suffix}`, password: 'bob relays everything too' };
  let stack: Stack;
  let callers: Awaited<ReturnType<typeof callersOnStack>>;

  const call = (method: string, path: string, options: Parameters<typeof httpCall>[2] = {}) =>
    httpCall(method, `${stack.caddy.origin}${path}`, { ca: stack.caddy.rootCa, ...options });

  beforeAll(async () => {
    stack = await startAppStack(teardown);
    // Two browsers (two Chromium processes), each entering the namespace and trusting only
    // the root CA in the stack's NSS DB.
    callers = await callersOnStack(stack, teardown, [alice, bob]);
  });

  afterAll(() => teardown.run());

  it('alice and bob call each other with the relay switch on: video both ways via coturn', async () => {
    const [alicePage, bobPage] = await Promise.all([callers.page(0), callers.page(1)]);
    for (const side of [alicePage, bobPage]) {
      expect(new URL(side.page.url()).origin).toBe(stack.caddy.origin);
      // Enabled only once GET /ice-servers listed a TURN server; check() waits for that.
      await side.relaySwitch.check();
      expect(await side.relaySwitch.isChecked()).toBe(true);
    }

    await alicePage.dial(bob.username);
    await bobPage.accept();
    await Promise.all([alicePage.waitForRemoteVideo(30_000), bobPage.waitForRemoteVideo(30_000)]);
    await Promise.all([
      alicePage.waitForInboundGrowing('video', 15_000),
      bobPage.waitForInboundGrowing('video', 15_000),
    ]);
    await alicePage.waitForCallState('connected');
    await bobPage.waitForCallState('connected');

    const coturnUrl = stack.coturn.url;
    for (const side of [alicePage, bobPage]) {
      const who = side.account.username;
      const path = await eventually(async () => {
        const current: SelectedPath = await side.selectedPath();
        assert.ok(current.local, `${who}: no selected candidate pair yet`);
        return current;
      });
      const detail = `${who}: ${JSON.stringify(path)}`;
      assert.equal(path.iceTransportPolicy, 'relay', detail);
      assert.equal(path.local?.candidateType, 'relay', detail);
      // A relay candidate's address is coturn's announced relay address (10.99.N.3, beside the host).
      assert.equal(path.local?.address, stack.coturn.relayIp, detail);
      assert.equal(path.remote?.address, stack.coturn.relayIp, detail);
      // The credentials are the app's TURN REST ones ("<expiry>:<user id>"), for this coturn,
      // and coturn allocated a relay for exactly that username.
      const turn = path.turnServers.find((server) => server.urls.includes(coturnUrl));
      assert.ok(turn, detail);
      assert.match(turn.username, /^\d+:\S+$/, detail);
      assert.ok(
        Number(turn.username.split(':')[0]) > Date.now() / 1000,
        `${detail}: the credential has expired`,
      );
      await stack.coturn.process.waitForOutput(
        new RegExp(`user <${escapeRegExp(turn.username)}>.*ALLOCATE processed, success`),
        5_000,
      );
    }

    // Verified the same way through TURN (issue 23): coturn only forwards the encrypted packets.
    const codes = await Promise.all(
      [alicePage, bobPage].map(async (side) => {
        const code = side.page.locator('#verify-code[data-sas]');
        await code.waitFor({ state: 'attached', timeout: 15_000 });
        return code.getAttribute('data-sas');
      }),
    );
    assert.equal(codes[0]?.split(' ').length, 4, JSON.stringify(codes));
    assert.equal(codes[0], codes[1]);

    await alicePage.hangUp();
    await alicePage.waitForCallState('idle');
    await bobPage.waitForCallState('idle');
  });

  it('refuses the signaling WebSocket upgrade through Caddy from a foreign Origin (403)', async () => {
    const login = await call('POST', '/auth/login', { json: alice });
    assert.equal(login.status, 200, login.body);
    const setCookie = (login.headers['set-cookie'] ?? []).find((c) =>
      c.startsWith('dialtone_token='),
    );
    assert.ok(setCookie, 'dialtone_token cookie set');
    const cookie = setCookie.split(';')[0];
    const url = `${stack.caddy.origin.replace(/^https:/, 'wss:')}/signaling`;

    expect(await upgradeStatus(url, FOREIGN_ORIGIN, cookie, stack.caddy.rootCa)).toBe(403);
    // It was the app that said no (Caddy passed the upgrade on), and for that reason. Its log
    // arrives through a pipe, possibly after the response: wait for it.
    assert.ok(stack.app, 'the stack runs the app');
    const refusal = `403 for ${alice.username}: foreign Origin ${FOREIGN_ORIGIN}`;
    await stack.app.process.waitForOutput(new RegExp(escapeRegExp(refusal)), 5_000);
    // The same cookie from the site's own origin is switched.
    expect(await upgradeStatus(url, stack.caddy.origin, cookie, stack.caddy.rootCa)).toBe(101);
  });
});
