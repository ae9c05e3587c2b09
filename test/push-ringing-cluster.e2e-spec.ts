// Issue 21, ringing by push on Redis: two `node dist/main.js` instances on one PostgreSQL
// database and one Redis, web-push-testing as the push service. A call's pushes are sent once
// across the cluster, not once per instance: the `call` message by the instance that ran the
// call_start, the `call_ended` by whichever instance's script ended the ring. Only the devices
// without an open page ring by push; refused callers learn nothing new.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from './browser/eventually.js';
import { call } from './support/http.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { type LocalPushService, startPushService } from './support/push-service.js';
import { type ServerProcess, ServerFleet } from './support/server-process.js';
import { SignalingClient } from './support/signaling-client.js';
import { vapidEnv } from './support/vapid.js';
import { createUser, type TestUser } from './support/test-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const RING_TIMEOUT_MS = 1500;
/** Long enough for a second instance's duplicate (a sweep is every 500 ms) to have arrived. */
const QUIET_MS = 1200;

describe('ringing by push on Redis: two instances, one push per device', () => {
  let database: TestDatabase;
  let push: LocalPushService;
  const fleet = new ServerFleet();
  let a: ServerProcess;
  let b: ServerProcess;
  let publicKey: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    push = await startPushService();
    fleet.env = {
      // One VAPID identity for the cluster (every instance must share it: a push signed by
      // another key than the one the browser subscribed with is refused by the push service).
      ...vapidEnv(),
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `dialtone-e2e-${randomBytes(4).toString('hex')}:`,
      AUTH_RATE_PER_ADDRESS: '1000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
      RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
      PUSH_ALLOWED_ENDPOINTS: push.origin,
    };
    a = await fleet.start();
    b = await fleet.start();
    publicKey = (await call(a.baseUrl, 'GET', '/push/vapid-public-key')).json<{
      publicKey: string;
    }>().publicKey;
  }, 60_000);

  afterAll(async () => {
    await fleet.stopAll();
    await push?.close();
    await database?.drop();
  }, 30_000);

  /** A browser of `user` subscribed at the push service and registered (through `server`). */
  async function device(user: TestUser, server: ServerProcess) {
    const { subscription, clientHash } = await push.subscribe(publicKey);
    const reply = await call(server.baseUrl, 'POST', '/push/subscriptions', {
      token: user.token,
      json: subscription,
    });
    expect(reply.status).toBe(201);
    return {
      endpoint: subscription.endpoint,
      messages: () => push.messages(clientHash),
      /** How many requests the push service got for this device (decryptable or not). */
      requests: () => push.requests.filter((r) => r.path === `/notify/${clientHash}`).length,
    };
  }
  type Device = Awaited<ReturnType<typeof device>>;

  async function connect(server: ServerProcess, user: TestUser) {
    return SignalingClient.connect(server.baseUrl, user.token);
  }

  /** Waits for exactly `expected` on every device, then checks nothing more arrives. */
  async function exactly(devices: Device[], expected: unknown[]): Promise<void> {
    await eventually(async () => {
      for (const each of devices) {
        expect(await each.messages()).toStrictEqual(expected);
      }
    });
    await sleep(QUIET_MS);
    for (const each of devices) {
      expect(await each.messages()).toStrictEqual(expected);
      expect(each.requests()).toBe(expected.length);
    }
  }

  const ringOf = (callId: string | undefined, caller: TestUser) => ({
    type: 'call',
    callId,
    from: { username: caller.username, displayName: 'Alice Liddell' },
    expiresAt: expect.any(Number),
  });

  it('no open page anywhere: `ringing`, one `call` per device; the timeout sends `call_ended` once', async () => {
    const bob = await createUser(a.baseUrl, 'pb');
    const devices = [await device(bob, a), await device(bob, b)];
    const alice = await createUser(a.baseUrl, 'pa', 'Alice Liddell');
    const ws = await connect(a, alice);
    ws.send({ type: 'call_start', toUser: bob.username });
    const { callId } = await ws.next('ringing');
    // (Not `exactly` yet: the ring times out sooner than a quiet spell; the final check counts.)
    await eventually(async () => {
      for (const each of devices) {
        expect(await each.messages()).toStrictEqual([ringOf(callId, alice)]);
      }
    });
    expect(await ws.next('call_back', RING_TIMEOUT_MS + 2000)).toMatchObject({
      code: 'no_answer',
      callId,
    });
    await exactly(devices, [
      ringOf(callId, alice),
      { type: 'call_ended', callId, reason: 'timeout' },
    ]);
    ws.close();
  });

  it('the caller on the other instance cancels: `call_ended` cancelled, once', async () => {
    const bob = await createUser(a.baseUrl, 'pb');
    const devices = [await device(bob, a)];
    const alice = await createUser(b.baseUrl, 'pa', 'Alice Liddell');
    const ws = await connect(b, alice);
    ws.send({ type: 'call_start', toUser: bob.username });
    const { callId } = await ws.next('ringing');
    await eventually(async () => expect(await devices[0].messages()).toHaveLength(1));
    ws.send({ type: 'hangup', toUser: bob.username, callId });
    await exactly(devices, [
      ringOf(callId, alice),
      { type: 'call_ended', callId, reason: 'cancelled' },
    ]);
    ws.close();
  });

  it('Decline on the instance that did not ring: the caller hears `rejected`; `call_ended` once', async () => {
    const bob = await createUser(a.baseUrl, 'pb');
    const devices = [await device(bob, a), await device(bob, a)];
    const alice = await createUser(a.baseUrl, 'pa', 'Alice Liddell');
    const ws = await connect(a, alice);
    ws.send({ type: 'call_start', toUser: bob.username });
    const { callId } = await ws.next('ringing');
    const path = `/calls/${callId}/decline`;
    const carol = await createUser(b.baseUrl, 'pc');
    expect((await call(b.baseUrl, 'POST', path, { token: carol.token })).status).toBe(404);
    expect((await call(b.baseUrl, 'POST', path, { token: bob.token })).status).toBe(204);
    const answer = await ws.next('call_back');
    expect([answer.msg, answer.code, answer.callId]).toStrictEqual(['0', 'rejected', callId]);
    await exactly(devices, [
      ringOf(callId, alice),
      { type: 'call_ended', callId, reason: 'declined' },
    ]);
    expect((await call(a.baseUrl, 'POST', path, { token: bob.token })).status).toBe(404);
    ws.close();
  });

  it('a page open on the other instance rings its own browser there; only the others by push', async () => {
    const bob = await createUser(a.baseUrl, 'pb');
    const [phone, laptop] = [await device(bob, a), await device(bob, b)];
    const page = await connect(b, bob);
    page.send({ type: 'push_device', endpoint: phone.endpoint });
    await sleep(200); // the link is one script on Redis; nothing answers it
    const alice = await createUser(a.baseUrl, 'pa', 'Alice Liddell');
    const ws = await connect(a, alice);
    ws.send({ type: 'call_start', toUser: bob.username });
    const { callId } = await ws.next('ringing');
    expect((await page.next('call_start')).callId).toBe(callId);
    await eventually(async () => expect(await laptop.messages()).toHaveLength(1));
    page.send({ type: 'call_back', toUser: alice.username, callId, msg: '1' });
    expect((await ws.next('call_back')).msg).toBe('1');
    await exactly(
      [laptop],
      [ringOf(callId, alice), { type: 'call_ended', callId, reason: 'answered_elsewhere' }],
    );
    await exactly([phone], []);
    page.close();
    ws.close();
  });

  it('refused callers push nothing and hear what a callee with no page and no device says', async () => {
    const alice = await createUser(a.baseUrl, 'pa', 'Alice Liddell');
    const ws = await connect(b, alice);
    const answer = async (callee: TestUser) => {
      ws.send({ type: 'call_start', toUser: callee.username });
      const { callId: _id, msg, ...fields } = await ws.next('call_back');
      return { ...fields, msg: msg.replace(callee.username, '<peer>') };
    };
    const reference = await answer(await createUser(a.baseUrl, 'nobody'));
    expect(reference.code).toBe('offline');

    const dora = await createUser(a.baseUrl, 'pd');
    const doraDevice = await device(dora, a);
    await call(a.baseUrl, 'PATCH', '/privacy', {
      token: dora.token,
      json: { whoCanRing: 'contacts' },
    });
    expect(await answer(dora)).toStrictEqual(reference);

    const erin = await createUser(a.baseUrl, 'pe');
    const erinDevice = await device(erin, b);
    await call(b.baseUrl, 'POST', '/blocks', {
      token: erin.token,
      json: { username: alice.username },
    });
    expect(await answer(erin)).toStrictEqual(reference);

    const fay = await createUser(a.baseUrl, 'pf');
    const fayDevice = await device(fay, a);
    await call(a.baseUrl, 'PATCH', '/privacy', { token: fay.token, json: { doNotDisturb: true } });
    expect((await answer(fay)).code).toBe('unavailable');

    await exactly([doraDevice, erinDevice, fayDevice], []);
    ws.close();
  });
});
