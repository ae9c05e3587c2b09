// The call page's connection to /signaling: drops, server restarts and an expired login, as the
// person in front of the page sees them.
import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import { CloseCode } from '../src/signaling/protocol.js';
import { SessionRegistry } from '../src/signaling/session-registry.js';
import type { SignalingSession } from '../src/signaling/signaling-session.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import type { ConnectionRecord } from './browser/probe.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

/** A WebSocket that ended without a close frame (the server's socket.terminate()). */
const ABNORMAL_CLOSURE = 1006;

function sessionsOf(app: TestApp, username: string): readonly SignalingSession[] {
  return app.app.get(SessionRegistry).sessionsOf(username);
}

/** What the indicator showed from the first "Reconnecting…" on, as [state, text, visible]. */
function sinceTheDrop(history: ConnectionRecord[]): [string, string, boolean][] {
  const drop = history.findIndex((record) => record.state === 'waiting');
  assert.ok(drop >= 0, `never showed a reconnecting state: ${JSON.stringify(history)}`);
  return history.slice(drop).map(({ state, text, visible }) => [state, text, visible]);
}

/** Waits until the page dropped, showed that it is reconnecting, and is online again. */
async function waitForReconnection(
  page: CallPageDriver,
  timeoutMs: number,
): Promise<[string, string, boolean][]> {
  return eventually(async () => {
    const shown = sinceTheDrop(await page.connectionHistory());
    assert.equal(shown.at(-1)?.[0], 'online', `not back online: ${JSON.stringify(shown)}`);
    return shown;
  }, timeoutMs);
}

describe('the call page keeps its connection to the server', () => {
  const suite = browserSuite();

  /** A fresh account, logged in through the form in its own browser context. */
  async function logIn(on: TestApp, prefix: string): Promise<CallPageDriver> {
    const context = await suite.newContext();
    const { username, password } = await createUser(on.baseUrl, prefix);
    return CallPageDriver.logIn(context, on.baseUrl, { username, password });
  }

  /** The page is usable again: `caller` rings `callee`, who sees the incoming-call panel. */
  async function assertReachable(caller: CallPageDriver, callee: CallPageDriver): Promise<void> {
    await caller.dial(callee.account.username);
    await callee.incomingPanel.waitFor();
    expect(await callee.page.locator('#incoming-caller').innerText()).toBe(
      format(en.ui.isCalling, { peer: caller.account.username }),
    );
    await caller.hangUp();
    await callee.incomingPanel.waitFor({ state: 'hidden' });
    await caller.waitForCallState('idle');
  }

  it('1. dropped by the server, the page resumes its session at once and takes calls', async () => {
    const alice = await logIn(suite.app, 'alice');
    const bob = await logIn(suite.app, 'bob');
    expect(await alice.waitForConnection('online')).toBe(en.ui.connectionOnline);
    const [old, ...others] = sessionsOf(suite.app, alice.account.username);
    expect(others).toStrictEqual([]);
    old.socket.terminate();

    // Protocol 2: the first attempt resumes the same session at once (no backoff for it).
    const [dropped, reconnected, ...more] = await eventually(async () => {
      const sockets = await alice.signalingSockets();
      assert.equal(sockets.length, 2, JSON.stringify(sockets));
      return sockets;
    });
    expect(more).toStrictEqual([]);
    expect(dropped.closeCode).toBe(ABNORMAL_CLOSURE);
    assert.ok(dropped.closedAt !== undefined && reconnected.closeCode === undefined);
    const waited = reconnected.createdAt - dropped.closedAt;
    assert.ok(waited < 250, `resumed ${waited} ms after the drop`);
    expect(await alice.waitForConnection('online')).toBe(en.ui.connectionOnline);
    await alice.waitForStatus(en.ui.statusReady);
    const now = sessionsOf(suite.app, alice.account.username);
    expect(now.map((session) => session.id)).toStrictEqual([old.id]);

    await assertReachable(bob, alice);
  });

  it('2. when the login expires the server closes with 4001 and the page goes to log in again', async () => {
    const shortLived = await startTestApp({ JWT_TTL: '8' });
    try {
      const loggedInAt = Date.now();
      const alice = await logIn(shortLived, 'alice');
      const [session] = sessionsOf(shortLived, alice.account.username);
      const closedWith = new Promise<number>((resolve) => session.socket.once('close', resolve));
      const page = alice.page;
      const reconnects: string[] = [];
      page.on('websocket', (socket) => reconnects.push(socket.url()));

      await page.waitForURL(
        (url) =>
          url.pathname === '/login' &&
          url.searchParams.get('next') === `/webrtc/${alice.account.username}`,
        { timeout: 15_000 },
      );
      const tookMs = Date.now() - loggedInAt;
      assert.ok(tookMs < 15_000, `sent to /login ${tookMs} ms after logging in`);
      expect(await closedWith).toBe(CloseCode.TOKEN_EXPIRED);
      assert.deepEqual(reconnects, [], `4001 means "log in", not "retry"`);
      expect(sessionsOf(shortLived, alice.account.username).length).toBe(0);

      // Logging in again returns to the call page (the ?next= it was sent with), online.
      await alice.submitLogin();
      expect(await alice.waitForConnection('online')).toBe(en.ui.connectionOnline);
    } finally {
      await shortLived.close();
    }
  });

  it('3. across a server restart the page shows it is reconnecting and comes back', async () => {
    const alice = await logIn(suite.app, 'alice');
    const bob = await logIn(suite.app, 'bob');
    await suite.restartApp();

    const shown = await waitForReconnection(alice, 20_000);
    expect(shown[0]).toStrictEqual(['waiting', en.ui.connectionLost, true]);
    assert.ok(
      shown.every(([, , visible]) => visible),
      JSON.stringify(shown),
    );
    const [closed] = await alice.signalingSockets();
    expect(closed.closeCode).toBe(CloseCode.GOING_AWAY);
    await bob.waitForConnection('online', 20_000);
    await eventually(() => {
      expect(sessionsOf(suite.app, alice.account.username).length).toBe(1);
      expect(sessionsOf(suite.app, bob.account.username).length).toBe(1);
    });
    await assertReachable(alice, bob);
  });
});
