import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeAll, connectCall, ring } from './support/call-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { type OwnRedis, ownRedis } from './support/redis-server.js';
import { type V2Party, connectV2, resumeV2, tryResume } from './support/resume-fixtures.js';
import { type ServerProcess, ServerFleet } from './support/server-process.js';
import { createUser } from './support/test-app.js';

async function health(server: ServerProcess): Promise<number> {
  return (await fetch(`${server.baseUrl}/health`)).status;
}

async function until(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) {
      throw new Error(`not within ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

/**
 * Instances on a Redis of this suite's own (AOF on, as compose runs it), which it kills, restarts
 * and slows down; and instances that die while they hold a ringing call or a half-open socket.
 */
describe('scale-out: faults', () => {
  let database: TestDatabase;
  let redis: OwnRedis;
  const fleet = new ServerFleet();
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await ownRedis();
    fleet.env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      AUTH_RATE_PER_ADDRESS: '1000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
      RING_TIMEOUT_MS: '1500',
      RESUME_WINDOW_MS: '15000',
    };
    a = await fleet.start();
    b = await fleet.start();
  }, 60_000);

  afterAll(async () => {
    await fleet.stopAll();
    await redis?.stop();
    await database?.drop();
  }, 30_000);

  it('half-open old socket: a resume on another instance closes it with 4002; the call carries on', async () => {
    const alice = await connectV2(a.baseUrl, await createUser(a.baseUrl, 'ha'));
    const bob = await connectV2(b.baseUrl, await createUser(b.baseUrl, 'hb'));
    const callId = await connectCall(alice, bob);
    const old = bob.ws;
    await resumeV2(a.baseUrl, bob); // b still believes the old socket is open
    expect((await old.closed).code).toBe(4002);
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'after takeover' });
    expect(await bob.ws.next('offer')).toMatchObject({ callId, sdp: 'after takeover' });
    await alice.ws.expectSilence(300); // no hangup, no peer_status: the old close meant nothing
    closeAll(alice, bob);
  });

  it('kill -9 of the caller’s instance mid-ring: the ring timeout still fires, once, elsewhere', async () => {
    const d = await fleet.start();
    const alice = await connectV2(d.baseUrl, await createUser(d.baseUrl, 'ra'));
    const bob = await connectV2(a.baseUrl, await createUser(a.baseUrl, 'rb'));
    const callId = await ring(alice, bob);
    d.server.kill('SIGKILL');
    expect(await bob.ws.next('hangup', 4000)).toMatchObject({ code: 'missed', callId });
    await bob.ws.expectSilence(1500);
    const history = await fetch(`${a.baseUrl}/calls`, {
      headers: { authorization: `Bearer ${bob.user.token}` },
    });
    expect(((await history.json()) as unknown[]).length).toBe(1);
    bob.ws.close();
  });

  it('a slow Redis (DEBUG SLEEP): a request fails fast with server_error, then all is well', async () => {
    const alice = await connectV2(a.baseUrl, await createUser(a.baseUrl, 'sa'));
    const bob = await connectV2(b.baseUrl, await createUser(b.baseUrl, 'sb'));
    const callId = await connectCall(alice, bob);
    const sleeper = spawn('redis-cli', ['-p', String(redis.port), 'DEBUG', 'SLEEP', '3']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = Date.now();
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'slow' });
    expect(await alice.ws.next('error', 3000)).toMatchObject({ code: 'server_error' });
    expect(Date.now() - sent).toBeLessThan(2500);
    await new Promise((resolve) => sleeper.once('exit', resolve));
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'fast again' });
    // The first offer may still have gone through once Redis woke up; the second surely does.
    const offers = [await bob.ws.next('offer')];
    if (offers[0].sdp !== 'fast again') {
      offers.push(await bob.ws.next('offer'));
    }
    expect(offers.at(-1)).toMatchObject({ callId, sdp: 'fast again' });
    closeAll(alice, bob);
  });

  it('Redis killed and restarted: 503, sockets fenced with 1012, then 200 and the call resumes', async () => {
    const alice: V2Party = await connectV2(a.baseUrl, await createUser(a.baseUrl, 'ka'));
    const bob: V2Party = await connectV2(b.baseUrl, await createUser(b.baseUrl, 'kb'));
    const callId = await connectCall(alice, bob);
    expect(await health(a)).toBe(200);
    await redis.kill();
    expect(await until(async () => (await health(a)) === 503, 3000)).toBeLessThan(3000);
    // Cut off for longer than the heartbeat TTL, each instance fences itself.
    expect((await alice.ws.closed).code).toBe(1012);
    expect((await bob.ws.closed).code).toBe(1012);
    await redis.start();
    await until(async () => (await health(a)) === 200 && (await health(b)) === 200, 10_000);
    const resumedBob = await resumeV2(a.baseUrl, bob);
    expect(resumedBob.call).toMatchObject({ callId, state: 'active' });
    const { reply } = await tryResume(b.baseUrl, alice);
    expect(reply).toMatchObject({ type: 'resumed', call: { callId, state: 'active' } });
    closeAll(alice, bob);
  }, 40_000);
});
