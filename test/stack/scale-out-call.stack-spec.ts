// Issue 11, the deployment end to end: two app instances behind the real Caddyfile (least_conn,
// active /health checks), sharing PostgreSQL and Redis, coturn, and two headless Chromium
// browsers in the stack's network namespace. alice and bob land on different instances (each
// WebSocket goes to the instance with fewer open), complete a relay-only call, and one instance
// is stopped (SIGTERM) in the middle of it: its page's socket closes with 1012, the page resumes
// through Caddy on the other instance, and media keeps flowing on both pages throughout; neither
// leaves the call. Needs `npm run build` first, PostgreSQL and Redis on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'redis';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { en } from '../../src/i18n/en.js';
import { type Account, CallPageDriver } from '../browser/call-page-driver.js';
import { eventually } from '../browser/eventually.js';
import { inboundBytes } from '../browser/probe.js';
import { callersOnStack, sleep, startAppStack, Teardown, type Stack } from './stack.js';

const SERVICE_RESTART = 1012;

describe('a call between users on two instances survives a SIGTERM of one of them', () => {
  const teardown = new Teardown();
  const suffix = randomBytes(3).toString('hex');
  const alice: Account = { username: `alice_${suffix}`, password: 'alice scales out nicely' };
  const bob: Account = { username: `bob_${suffix}`, password: 'bob scales out nicely too' };
  let stack: Stack;
  let callers: Awaited<ReturnType<typeof callersOnStack>>;

  beforeAll(async () => {
    stack = await startAppStack(teardown, { instances: 2 });
    callers = await callersOnStack(stack, teardown, [alice, bob]);
  });

  afterAll(() => teardown.run());

  /** The instance (its node id in Redis) holding each user's one open session. */
  async function instancesOf(...accounts: Account[]): Promise<string[]> {
    assert.ok(stack.redis, 'the instances share a Redis');
    const { keyPrefix } = stack.redis;
    const redis = createClient({ url: stack.redis.url });
    await redis.connect();
    try {
      return await Promise.all(
        accounts.map(async ({ username }) => {
          const sessions = await redis.zRange(`${keyPrefix}us:${username}`, 0, -1);
          assert.equal(sessions.length, 1, `${username}'s sessions: ${sessions.join(' ')}`);
          return (await redis.hGet(`${keyPrefix}s:${sessions[0]}`, 'n')) ?? '';
        }),
      );
    } finally {
      await redis.quit();
    }
  }

  it('the call carries on, media flowing on both pages, while its instance restarts', async () => {
    const alicePage = await callers.page(0);
    const bobPage = await callers.page(1);
    // Caddy's least_conn usually puts bob's socket on the instance without alice's, but the
    // page's own requests in flight can tip it: reload until the two are on different instances.
    for (let reloads = 0; ; reloads++) {
      const [aliceOn, bobOn] = await eventually(() => instancesOf(alice, bob));
      if (aliceOn !== bobOn) {
        break;
      }
      assert.ok(reloads < 8, 'bob never landed on the instance without alice');
      await bobPage.page.reload();
      await bobPage.waitForConnection('online');
    }
    for (const side of [alicePage, bobPage]) {
      await side.relaySwitch.check();
    }
    await alicePage.dial(bob.username);
    await bobPage.accept();
    await Promise.all([alicePage.waitForRemoteVideo(30_000), bobPage.waitForRemoteVideo(30_000)]);
    await Promise.all([
      alicePage.waitForInboundGrowing('video', 15_000),
      bobPage.waitForInboundGrowing('video', 15_000),
    ]);

    // Stop the first instance as a rolling upgrade does. Exactly one page was on it: the two
    // users are on different instances.
    const stopped = stack.apps[0].process.stop(10_000);
    const closedWith = async (page: CallPageDriver) =>
      (await page.signalingSockets()).map((socket) => socket.closeCode);
    const moved = await eventually(async () => {
      const codes = await Promise.all([alicePage, bobPage].map(closedWith));
      const restarted = [alicePage, bobPage].filter((_, i) => codes[i].includes(SERVICE_RESTART));
      assert.equal(restarted.length, 1, `close codes: ${JSON.stringify(codes)}`);
      return restarted[0];
    }, 15_000);
    const stayed = moved === alicePage ? bobPage : alicePage;
    await stopped;

    // Media flows on both pages across the whole restart, sampled every 500 ms for 5 s.
    const samples = await Promise.all(
      [alicePage, bobPage].map(async (page) => {
        const bytes: number[] = [];
        for (let i = 0; i < 10; i++) {
          bytes.push(await page.page.evaluate(inboundBytes, 'video'));
          await sleep(500);
        }
        return bytes;
      }),
    );
    for (const bytes of samples) {
      assert.ok(
        bytes.every((value, i) => i === 0 || value > bytes[i - 1]),
        `inbound video bytes: ${bytes.join(' ')}`,
      );
    }

    // The moved page resumed on the other instance: a new socket, open; neither left the call.
    await eventually(async () => {
      const sockets = await moved.signalingSockets();
      assert.ok(sockets.length >= 2 && sockets.at(-1)?.closedAt === undefined, 'resumed');
    }, 15_000);
    for (const [page, peer] of [
      [moved, stayed],
      [stayed, moved],
    ] as const) {
      await page.waitForStatus(en.ui.statusConnected.replace('{peer}', peer.account.username));
      expect(await page.callState()).toBe('connected');
    }
    const stayedSockets = await stayed.signalingSockets();
    expect(stayedSockets.map((socket) => socket.closedAt ?? 'open')).toStrictEqual(['open']);

    // The call ends normally afterwards, through the instance that is left.
    await moved.hangUp();
    await stayed.waitForCallState('idle');
    await moved.waitForCallState('idle');
  });
});
