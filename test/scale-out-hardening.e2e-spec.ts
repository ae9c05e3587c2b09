// Issue 19, points 4, 5, 6 and 8 on Redis: two `node dist/main.js` instances on one PostgreSQL
// database and the Redis at 127.0.0.1:6379 (a key prefix of this run's own); instance B reaches
// Redis through a relay that can cut its pub/sub connection alone.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisKeys } from '../src/signaling/engines/redis/keys.js';
import { RedisConnection } from '../src/signaling/engines/redis/redis-connection.js';
import { isOnline, makeContacts } from './support/contacts.js';
import { call } from './support/http.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { type RedisProxy, redisProxy } from './support/redis-proxy.js';
import { connectV2, tryResume } from './support/resume-fixtures.js';
import { type ServerProcess, ServerFleet } from './support/server-process.js';
import { TEST_REDIS_URL } from './support/signaling-backends.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, type TestUser } from './support/test-app.js';

const MAX_SESSIONS = 3;
const REVOCATION_MAX_STALE_MS = 1500;

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function loginAgain(server: ServerProcess, user: TestUser): Promise<string> {
  const reply = await call(server.baseUrl, 'POST', '/auth/login', {
    json: { username: user.username, password: user.password },
  });
  expect(reply.status).toBe(200);
  return reply.json<{ accessToken: string }>().accessToken;
}

describe('scale-out: the session cap, revocations and closing sessions hold on Redis', () => {
  let database: TestDatabase;
  let proxy: RedisProxy;
  let redis: RedisConnection;
  let keys: RedisKeys;
  const fleet = new ServerFleet();
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await redisProxy(new URL(TEST_REDIS_URL));
    const prefix = `dialtone-e2e-${randomBytes(4).toString('hex')}:`;
    keys = new RedisKeys(prefix);
    redis = new RedisConnection(TEST_REDIS_URL);
    await redis.connect();
    fleet.env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      AUTH_RATE_PER_ADDRESS: '1000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
      WS_MAX_PENDING_PER_USER: '1000',
      MAX_SESSIONS_PER_USER: String(MAX_SESSIONS),
      RESUME_WINDOW_MS: '20000',
      REVOCATION_MAX_STALE_MS: String(REVOCATION_MAX_STALE_MS),
    };
    a = await fleet.start();
    b = await fleet.start({ REDIS_URL: proxy.url });
  }, 60_000);

  afterAll(async () => {
    await fleet.stopAll();
    await redis?.close();
    await proxy?.close();
    await database?.drop();
  }, 30_000);

  it('4: 50 concurrent opens of one account leave at most MAX_SESSIONS_PER_USER listed and open, and a ring reaches no more', async () => {
    const alice = await createUser(a.baseUrl, 'cap');
    const bob = await createUser(a.baseUrl, 'capb');
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        SignalingClient.open(n % 2 === 0 ? a.baseUrl : b.baseUrl, { token: alice.token }),
      ),
    );
    const sockets = outcomes.map((outcome) => {
      if (!('client' in outcome)) {
        throw new Error(`upgrade refused with ${outcome.status}`);
      }
      return outcome.client;
    });
    const closed = new Set<SignalingClient>();
    for (const ws of sockets) {
      void ws.closed.then(() => closed.add(ws));
    }
    const listed = () => redis.command<number>(['ZCARD', keys.id.userSessions(alice.username)]);
    // Every open has been decided once 50 sessions were admitted or made room.
    await until(
      async () => (await listed()) <= MAX_SESSIONS && closed.size >= 50 - MAX_SESSIONS,
      5000,
      'the cap',
    ).catch(() => undefined); // the counts below say by how much it did not hold
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more closes or lists
    expect({ listed: await listed(), open: 50 - closed.size }).toStrictEqual({
      listed: MAX_SESSIONS,
      open: MAX_SESSIONS,
    });
    const open = sockets.filter((ws) => !closed.has(ws));
    expect(open).toHaveLength(MAX_SESSIONS);
    for (const ws of sockets.filter((s) => closed.has(s))) {
      expect(await ws.closed).toMatchObject({ code: 4000 });
    }
    const caller = await SignalingClient.connect(b.baseUrl, bob.token);
    caller.send({ type: 'call_start', toUser: alice.username });
    await caller.next('ringing');
    // Exactly the open sessions are rung (each has its welcome queued first).
    const rung = await Promise.all(
      open.map(async (ws) => {
        for (;;) {
          const message = await ws.receive();
          if (message.type === 'call_start') {
            return message;
          }
        }
      }),
    );
    expect(rung).toHaveLength(MAX_SESSIONS);
    caller.close();
    open.forEach((ws) => ws.close());
  }, 30_000);

  it('5: a logout on A while B’s pub/sub connection is cut: B answers 401, refuses the upgrade and closes the socket (4001)', async () => {
    const alice = await createUser(a.baseUrl, 'rv');
    const onB = await SignalingClient.connect(b.baseUrl, alice.token);
    expect((await call(b.baseUrl, 'GET', '/users/me', { token: alice.token })).status).toBe(200);
    proxy.cutSubscribers();
    try {
      await until(() => Promise.resolve(proxy.cuts > 0), 3000, 'the cut');
      const out = await call(a.baseUrl, 'POST', '/auth/logout', { token: alice.token });
      expect(out.status).toBe(204);
      const loggedOutAt = Date.now();
      // Still cut: B hears nothing on pub/sub, yet its copy is never staler than the bound.
      await until(
        async () =>
          (await call(b.baseUrl, 'GET', '/users/me', { token: alice.token })).status === 401,
        REVOCATION_MAX_STALE_MS + 1500,
        'B answering 401',
      );
      expect(Date.now() - loggedOutAt).toBeLessThan(REVOCATION_MAX_STALE_MS + 1500);
      expect(await SignalingClient.open(b.baseUrl, { token: alice.token })).toStrictEqual({
        status: 401,
      });
      expect(await onB.closed).toMatchObject({ code: 4001 });
    } finally {
      proxy.restore();
    }
    // Once the subscriber is back (and re-read), it stays refused.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await call(b.baseUrl, 'GET', '/users/me', { token: alice.token })).status).toBe(401);
    expect(await SignalingClient.open(b.baseUrl, { token: alice.token })).toStrictEqual({
      status: 401,
    });
  }, 30_000);

  it('6: a session away during a logout or a password change is ended: offline, and "expired" on resume', async () => {
    const watcher = await createUser(a.baseUrl, 'w6');
    const alice = await createUser(a.baseUrl, 'aw');
    const carol = await createUser(a.baseUrl, 'cw');
    await makeContacts(a.baseUrl, watcher, alice);
    await makeContacts(a.baseUrl, watcher, carol);
    const aliceV2 = await connectV2(a.baseUrl, alice);
    const carolV2 = await connectV2(a.baseUrl, carol);
    // Their networks drop (no close frame): both sessions wait in their resume windows.
    aliceV2.ws.socket.terminate();
    carolV2.ws.socket.terminate();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await isOnline(b.baseUrl, watcher, alice.username)).toBe(true);
    expect(await isOnline(b.baseUrl, watcher, carol.username)).toBe(true);

    expect((await call(b.baseUrl, 'POST', '/auth/logout', { token: alice.token })).status).toBe(
      204,
    );
    const changed = await call(b.baseUrl, 'POST', '/users/me/password', {
      token: carol.token,
      json: { currentPassword: carol.password, newPassword: 'a quite different phrase 61' },
    });
    expect(changed.status).toBe(200);
    const carolToken = changed.json<{ accessToken: string }>().accessToken;
    const aliceToken = await loginAgain(b, alice);

    await until(
      async () =>
        !(await isOnline(a.baseUrl, watcher, alice.username)) &&
        !(await isOnline(a.baseUrl, watcher, carol.username)),
      3000,
      'both offline',
    );
    for (const [party, token, server] of [
      [aliceV2, aliceToken, a],
      [carolV2, carolToken, b],
    ] as const) {
      const attempt = await tryResume(server.baseUrl, party, { token });
      expect(attempt.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
      attempt.ws.close();
    }
  }, 30_000);

  it('8: a session the server is closing (a flood, its client not reading) is at once offline, not rung, not resumable', async () => {
    const watcher = await createUser(a.baseUrl, 'w8');
    const alice = await createUser(a.baseUrl, 'zf');
    const bob = await createUser(a.baseUrl, 'zb');
    await makeContacts(a.baseUrl, watcher, alice);
    const aliceV2 = await connectV2(a.baseUrl, alice);
    const bobWs = await SignalingClient.connect(b.baseUrl, bob.token);
    // The client stops reading: the server's close frame is never answered (ws waits 30 s).
    (aliceV2.ws.socket as unknown as { _socket: Socket })._socket.pause();
    for (let n = 0; n < 1000; n += 1) {
      aliceV2.ws.send({ type: 'ping' }); // over WS_MESSAGE_BURST and WS_MESSAGE_RATE: closed, 1008
    }
    await until(
      async () => !(await isOnline(b.baseUrl, watcher, alice.username)),
      3000,
      'offline while closing',
    );
    bobWs.send({ type: 'call_start', toUser: alice.username });
    expect(await bobWs.next('call_back')).toMatchObject({ code: 'offline' });
    const attempt = await tryResume(b.baseUrl, aliceV2, { lastSeq: 1 });
    expect(attempt.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
    attempt.ws.close();
    aliceV2.ws.socket.terminate();
    bobWs.close();
  }, 30_000);
});
