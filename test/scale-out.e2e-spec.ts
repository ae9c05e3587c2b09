import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Party, closeAll, connectCall, ring } from './support/call-fixtures.js';
import { call } from './support/http.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { freePort } from './support/redis-server.js';
import { type V2Party, connectV2, resumeV2, tryResume } from './support/resume-fixtures.js';
import { type ServerProcess, ServerFleet, startServerProcess } from './support/server-process.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser } from './support/test-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const METRICS_TOKEN = randomBytes(16).toString('hex');

/**
 * Several `node dist/main.js` instances on one PostgreSQL database and one Redis (a key prefix
 * of this run's own), with real `ws` clients on different instances: they are one Dialtone.
 */
describe('scale-out: instances on Redis', () => {
  let database: TestDatabase;
  const fleet = new ServerFleet();
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    fleet.env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `dialtone-e2e-${randomBytes(4).toString('hex')}:`,
      AUTH_RATE_PER_ADDRESS: '1000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
      RING_TIMEOUT_MS: '1500',
      RESUME_WINDOW_MS: '8000',
      RESUME_MAX_FAILURES: '3',
      MAX_SESSIONS_PER_USER: '3',
      METRICS_TOKEN,
    };
    a = await fleet.start();
    b = await fleet.start();
  }, 60_000);

  afterAll(async () => {
    await fleet.stopAll();
    await database?.drop();
  }, 30_000);

  async function party(server: ServerProcess, prefix: string): Promise<Party> {
    const user = await createUser(server.baseUrl, prefix);
    return { user, ws: await SignalingClient.connect(server.baseUrl, user.token) };
  }

  async function historyOf(server: ServerProcess, token: string): Promise<{ outcome: string }[]> {
    const reply = await fetch(`${server.baseUrl}/calls`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await reply.json()) as { outcome: string }[];
  }

  it('a call across instances rings every device, binds one, relays stamped, history once', async () => {
    const alice = await party(a, 'xa');
    const bobOnA = await party(a, 'xb');
    const bobOnB = {
      user: bobOnA.user,
      ws: await SignalingClient.connect(b.baseUrl, bobOnA.user.token),
    };
    const callId = await ring(alice, bobOnA, [bobOnA.ws, bobOnB.ws]);
    bobOnB.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
    expect(await alice.ws.next('call_back')).toMatchObject({ msg: '1', callId });
    expect(await bobOnA.ws.next('hangup')).toMatchObject({ code: 'answered_elsewhere' });
    alice.ws.send({ type: 'offer', toUser: bobOnA.user.username, sdp: 'v=0', fromUser: 'mallory' });
    expect(await bobOnB.ws.next('offer')).toStrictEqual({
      type: 'offer',
      fromUser: alice.user.username,
      toUser: bobOnA.user.username,
      callId,
      sdp: 'v=0',
    });
    bobOnA.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'x' });
    expect(await bobOnA.ws.next('error')).toMatchObject({ code: 'not_in_call' });
    bobOnB.ws.send({ type: 'hangup', toUser: alice.user.username });
    expect(await alice.ws.next('hangup')).toMatchObject({ code: 'hangup', callId });
    await new Promise((resolve) => setTimeout(resolve, 300)); // history is written off the path
    expect(await historyOf(a, alice.user.token)).toHaveLength(1);
    expect(await historyOf(b, bobOnA.user.token)).toHaveLength(1);
    closeAll(alice, bobOnA, bobOnB);
  });

  it('busy, offline and a ring timeout across instances; the timeout fires once', async () => {
    const alice = await party(a, 'ba');
    const bob = await party(b, 'bb');
    const carol = await party(b, 'bc');
    const callId = await ring(alice, bob);
    carol.ws.send({ type: 'call_start', toUser: bob.user.username });
    expect(await carol.ws.next('call_back')).toMatchObject({ code: 'busy' });
    expect(await alice.ws.next('call_back', 4000)).toMatchObject({ code: 'no_answer', callId });
    expect(await bob.ws.next('hangup')).toMatchObject({ code: 'missed', callId });
    await alice.ws.expectSilence(1200);
    bob.ws.close();
    await bob.ws.closed;
    await new Promise((resolve) => setTimeout(resolve, 200));
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    expect(await alice.ws.next('call_back')).toMatchObject({ code: 'offline' });
    closeAll(alice, carol);
  });

  it('glare across instances, 20 times: exactly one call each time', async () => {
    for (let round = 0; round < 20; round += 1) {
      // New people each round: a cancelled call's cooldown (CALL_COOLDOWN) would refuse a rematch.
      const [alice, bob] = await Promise.all([
        createUser(a.baseUrl, 'ga'),
        createUser(a.baseUrl, 'gb'),
      ]);
      const onA = await SignalingClient.connect(a.baseUrl, alice.token);
      const onB = await SignalingClient.connect(b.baseUrl, bob.token);
      onA.send({ type: 'call_start', toUser: bob.username });
      onB.send({ type: 'call_start', toUser: alice.username });
      // The winner hears `ringing`; the other side is rung, then told `glare` for its own dial.
      const [fromA, fromB] = await Promise.all([onA.receive(), onB.receive()]);
      const aWon = fromA.type === 'ringing';
      const [winner, loser] = aWon ? [onA, onB] : [onB, onA];
      expect([fromA.type, fromB.type].sort()).toStrictEqual(['call_start', 'ringing']);
      expect(await loser.next('call_back')).toMatchObject({ code: 'glare' });
      // The winner cancels, so that the next round starts from no call; nothing else arrived.
      winner.send({ type: 'hangup', toUser: aWon ? bob.username : alice.username });
      expect(await loser.next('hangup')).toMatchObject({ code: 'cancelled' });
      await winner.expectSilence(50);
      onA.close();
      onB.close();
    }
  });

  it('contacts, presence and logout reach every instance', async () => {
    const alice = await createUser(a.baseUrl, 'ca');
    const bob = await createUser(a.baseUrl, 'cb');
    const aliceWs = await SignalingClient.connect(a.baseUrl, alice.token);
    const bobWs = await SignalingClient.connect(b.baseUrl, bob.token);
    const asked = await call(a.baseUrl, 'POST', '/contacts', {
      token: alice.token,
      json: { username: bob.username },
    });
    expect(asked.status).toBe(200);
    expect(await bobWs.next('contact_request')).toMatchObject({
      contact: { username: alice.username },
    });
    await call(b.baseUrl, 'POST', `/contacts/${alice.username}/accept`, { token: bob.token });
    expect(await aliceWs.next('contact_accepted')).toMatchObject({
      contact: { username: bob.username, online: true },
    });
    const listed = await call(a.baseUrl, 'GET', '/contacts', { token: alice.token });
    expect(listed.json<{ contacts: { online: boolean }[] }>().contacts).toMatchObject([
      { online: true },
    ]);
    // A rename on one instance reaches the contact on the other (issue 20).
    const renamed = await call(b.baseUrl, 'PATCH', '/users/me', {
      token: bob.token,
      json: { displayName: 'Bob Renamed' },
    });
    expect(renamed.status).toBe(200);
    expect(await aliceWs.next('contact_renamed')).toMatchObject({
      contact: { username: bob.username, displayName: 'Bob Renamed' },
    });
    // A call refused by do-not-disturb rings nothing; the callee's page on the other instance
    // hears of the missed call once it is in the history (missed_call).
    const dnd = await call(a.baseUrl, 'PATCH', '/privacy', {
      token: alice.token,
      json: { doNotDisturb: true },
    });
    expect(dnd.status).toBe(200);
    await bobWs.next('contact_accepted'); // his own acceptance, told to all his sessions
    bobWs.send({ type: 'call_start', toUser: alice.username });
    const refused = await bobWs.next('call_back');
    expect(refused.code).toBe('unavailable');
    expect(await aliceWs.next('missed_call')).toStrictEqual({
      type: 'missed_call',
      fromUser: 'system',
      toUser: alice.username,
      callId: refused.callId,
      peer: bob.username,
    });
    bobWs.close();
    expect(await aliceWs.next('contact_offline')).toMatchObject({
      contact: { username: bob.username },
    });
    // Log out everywhere on one instance: the sockets on the other close with 4001.
    const onB = await SignalingClient.connect(b.baseUrl, alice.token);
    await aliceWs.expectSilence(); // alice was online already: nobody is told anything
    await call(a.baseUrl, 'POST', '/auth/logout-all', { token: alice.token });
    expect((await onB.closed).code).toBe(4001);
    expect((await aliceWs.closed).code).toBe(4001);
  });

  it('a token that expires mid-call across instances ends neither socket until the call ends (4001)', async () => {
    const issuer = await fleet.start({ JWT_TTL: '3' }); // its tokens live 3 s
    const partyOn = async (server: ServerProcess, prefix: string): Promise<Party> => {
      const user = await createUser(issuer.baseUrl, prefix);
      return { user, ws: await SignalingClient.connect(server.baseUrl, user.token) };
    };
    const alice = await partyOn(a, 'ta');
    const bob = await partyOn(b, 'tb');
    await connectCall(alice, bob);
    await bob.ws.expectSilence(3500); // both tokens expire in here; the call carries on
    alice.ws.send({ type: 'hangup', toUser: bob.user.username });
    expect((await bob.ws.next('hangup')).code).toBe('hangup');
    // Whichever instance hears of the call's end, the session on the other closes too.
    expect((await alice.ws.closed).code).toBe(4001);
    expect((await bob.ws.closed).code).toBe(4001);
  });

  it('the login lock-out and the account budget are shared: two instances grant what one would', async () => {
    const limits = {
      REDIS_KEY_PREFIX: `${fleet.env.REDIS_KEY_PREFIX}limits:`, // budgets of these two only
      LOGIN_MAX_FAILURES: '4',
      AUTH_RATE_PER_ADDRESS: '12',
    };
    const servers = [await fleet.start(limits), await fleet.start(limits)];
    const victim = await createUser(servers[0].baseUrl, 'lv'); // 2 account requests
    const guesses = [];
    for (let n = 0; n < 10; n += 1) {
      guesses.push(
        await call(servers[n % 2].baseUrl, 'POST', '/auth/login', {
          json: { username: victim.username, password: `guess number ${n}` },
        }),
      );
    }
    expect(guesses.map((reply) => reply.status)).toStrictEqual([
      ...Array<number>(4).fill(401),
      ...Array<number>(6).fill(429),
    ]);
    expect(guesses[4].json().message).toMatch(/Too many failed logins/);
    // 12 requests so far, the budget of one address on one instance: the rest are refused on both
    // (a token may have been refilled meanwhile: one every 5 s).
    const more = [];
    for (let n = 0; n < 8; n += 1) {
      more.push(await call(servers[n % 2].baseUrl, 'POST', '/auth/register', { json: {} }));
    }
    const refused = more.filter((reply) => reply.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused[0].json().message).toMatch(/Too many account requests from your address/);
  });

  it('the per-user session cap counts every instance: the oldest idle session, wherever, gives way', async () => {
    const alice = await createUser(a.baseUrl, 'ma');
    const bob = await createUser(a.baseUrl, 'mb');
    const oldestOnA = await SignalingClient.connect(a.baseUrl, alice.token);
    const inCallOnB = await SignalingClient.connect(b.baseUrl, alice.token);
    const bobWs = await SignalingClient.connect(a.baseUrl, bob.token);
    await connectCall({ user: alice, ws: inCallOnB }, { user: bob, ws: bobWs });
    const third = await SignalingClient.connect(a.baseUrl, alice.token);
    const fourthOnB = await SignalingClient.connect(b.baseUrl, alice.token);
    expect(await oldestOnA.closed).toMatchObject({ code: 4000 });
    await Promise.all([inCallOnB, third, fourthOnB].map((ws) => ws.expectSilence(200)));
    for (const ws of [inCallOnB, third, fourthOnB, bobWs]) {
      ws.close();
    }
  });

  it('a resume on another instance is refused as on one: unknown, forbidden, then throttled', async () => {
    const bob = await connectV2(a.baseUrl, await createUser(a.baseUrl, 'rb'));
    const carol = await createUser(a.baseUrl, 'rc');
    const attempt = async (token: string, resumeToken: string) =>
      (await tryResume(b.baseUrl, bob, { token, resumeToken })).reply;
    expect(await attempt(carol.token, bob.resumeToken)).toMatchObject({ code: 'forbidden' });
    for (let n = 0; n < 3; n += 1) {
      expect(await attempt(bob.user.token, 'x'.repeat(43))).toMatchObject({ code: 'unknown' });
    }
    // Throttled now, even with the right token; the failures were counted across instances.
    expect(await attempt(bob.user.token, bob.resumeToken)).toMatchObject({ code: 'throttled' });
    const onA = await tryResume(a.baseUrl, bob, { resumeToken: bob.resumeToken });
    expect(onA.reply).toMatchObject({ code: 'throttled' });
    // A failed resume still opens a new session on that socket.
    expect(await onA.ws.next('welcome')).toMatchObject({ protocol: 2 });
    closeAll(bob);
    onA.ws.close();
  });

  it('SIGTERM mid-call: sockets closed 1012, no hang-up; the client resumes elsewhere', async () => {
    const c = await fleet.start();
    const alice: V2Party = await connectV2(a.baseUrl, await createUser(a.baseUrl, 'ta'));
    const bob: V2Party = await connectV2(c.baseUrl, await createUser(c.baseUrl, 'tb'));
    const callId = await connectCall(alice, bob);
    c.server.kill('SIGTERM');
    expect((await bob.ws.closed).code).toBe(1012);
    expect(await alice.ws.next('peer_status')).toMatchObject({ status: 'reconnecting', callId });
    const resumed = await resumeV2(a.baseUrl, bob);
    expect(resumed.call).toStrictEqual({
      callId,
      state: 'active',
      peer: alice.user.username,
      role: 'callee',
    });
    expect(await alice.ws.next('peer_status')).toMatchObject({ status: 'connected' });
    alice.ws.send({ type: '_ice', toUser: bob.user.username, iceCandidate: { candidate: 'c' } });
    expect(await bob.ws.next('_ice')).toMatchObject({ callId, fromUser: alice.user.username });
    const exit = await c.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(c.output()).not.toMatch(/server_shutdown/);
    closeAll(alice, bob);
  });

  it('kill -9 mid-call: the peer hears reconnecting within 10 s, the client resumes elsewhere', async () => {
    const d = await fleet.start();
    const alice: V2Party = await connectV2(a.baseUrl, await createUser(a.baseUrl, 'ka'));
    const bob: V2Party = await connectV2(d.baseUrl, await createUser(d.baseUrl, 'kb'));
    const callId = await connectCall(alice, bob);
    const killedAt = Date.now();
    d.server.kill('SIGKILL');
    expect(await alice.ws.next('peer_status', 10_000)).toMatchObject({ status: 'reconnecting' });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await bob.ws.closed;
    const resumed = await resumeV2(b.baseUrl, bob);
    expect(resumed.call).toMatchObject({ callId, state: 'active' });
    bob.ws.send({ type: 'hangup', toUser: alice.user.username });
    expect(await alice.ws.next('peer_status')).toMatchObject({ status: 'connected' });
    expect(await alice.ws.next('hangup')).toMatchObject({ code: 'hangup', callId });
    closeAll(alice, bob);
  }, 30_000);

  it('/metrics is per instance: its own sockets, its Redis round trips, its PostgreSQL pool', async () => {
    const alice = await party(a, 'ma');
    const bob = await party(b, 'mb');
    await connectCall(alice, bob);
    const text = async (server: ServerProcess) => {
      const reply = await call(server.baseUrl, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(reply.status).toBe(200);
      return reply.text;
    };
    for (const server of [a, b]) {
      const metrics = await text(server);
      expect(metrics).toMatch(/^dialtone_sessions_open [1-9]/m);
      expect(metrics).toMatch(/^dialtone_redis_command_seconds_count\{command="\w+"\} [1-9]/m);
      expect(metrics).toMatch(/^dialtone_db_pool_clients\{state="total"\} [1-9]/m);
      // Calls and sessions away live in Redis: no instance reports a share of them as the total.
      expect(metrics).not.toMatch(/^dialtone_calls\{/m);
      expect(metrics).not.toMatch(/^dialtone_sessions_resumable /m);
    }
    // The set-up is counted once, by the instance whose script made the change.
    const setups = await Promise.all(
      [a, b].map(async (server) =>
        Number(/^dialtone_call_setups_total (\d+)/m.exec(await text(server))?.[1]),
      ),
    );
    expect(setups[0]).toBeGreaterThanOrEqual(1);
    closeAll(alice, bob);
  });

  it('Redis unreachable at start: the instance exits naming REDIS_URL, never serving from memory', async () => {
    const port = await freePort();
    const failure = await startServerProcess({
      ...fleet.env,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    })
      .then(() => 'started')
      .catch((error: unknown) => String(error));
    expect(failure).toMatch(/exited with 1: .*REDIS_URL: Redis at redis:\/\/127\.0\.0\.1/s);
  });

  it('REDIS_URL with SQLite: the server stops, saying PostgreSQL is needed', async () => {
    const { DATABASE_URL: _postgres, ...sqlite } = fleet.env;
    const failure = await startServerProcess(sqlite)
      .then(() => 'started')
      .catch((error: unknown) => String(error));
    expect(failure).toMatch(/REDIS_URL needs PostgreSQL/);
  });
});
