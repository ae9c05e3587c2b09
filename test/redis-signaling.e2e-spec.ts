import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ClusterCallStartLimiter } from '../src/signaling/engines/redis/cluster-rate-limits.js';
import { RedisSessions } from '../src/signaling/engines/redis/redis-sessions.js';
import {
  type Peer,
  type RedisInstance,
  deleteKeys,
  openRedisPeer,
  accessOf,
  redisInstance,
  uniquePrefix,
  welcomeOf,
} from './support/signaling-backends.js';

const OPTIONS = { ringTimeoutMs: 30_000, windowMs: 1500 };

/** Waits (up to 2 s) for pub/sub deliveries to arrive, then a moment longer for any extra one. */
async function settled(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 30));
}

/**
 * What only the Redis back end has: several instances on one state, the replay stream, shared
 * timers, heartbeats, and scripts that survive a SCRIPT FLUSH. Real Redis on 127.0.0.1:6379, a key
 * prefix per test.
 */
describe('signaling on Redis, several instances', () => {
  let prefix: string;
  let history: string[];
  let a: RedisInstance;
  let b: RedisInstance;

  beforeEach(async () => {
    prefix = uniquePrefix();
    history = [];
    const observer = (name: string) => ({
      callStarted: (call: { id: string }) => history.push(`${name} started ${call.id}`),
      callAnswered: (call: { id: string }) => history.push(`${name} answered ${call.id}`),
      callEnded: (call: { id: string }, code: string) =>
        history.push(`${name} ended ${call.id} ${code}`),
    });
    a = await redisInstance(prefix, OPTIONS, [observer('a')]);
    b = await redisInstance(prefix, OPTIONS, [observer('b')]);
  });

  afterEach(async () => {
    await deleteKeys(a.connection, prefix);
    await a.close();
    await b.close();
  });

  async function call(caller: Peer, callee: Peer, from = a): Promise<string> {
    await from.calls.start(caller, callee.username, 'ring');
    return (await callee.next('call_start')).callId!;
  }

  it('call_start limits are one for all instances: budgets, the refund of a call answered on another, the decline cooldown', async () => {
    const limits = { perCallee: 2, perCaller: 3, windowMs: 60_000, cooldownMs: 1000 };
    const onA = new ClusterCallStartLimiter(a, limits);
    const onB = new ClusterCallStartLimiter(b, limits);
    a.scripts.observe(onA);
    b.scripts.observe(onB);
    const alice = await openRedisPeer(a, 'alice', true);
    const bob = await openRedisPeer(b, 'bob', true);
    const carol = await openRedisPeer(a, 'carol', true);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 50)); // observers do not wait
    // Three calls answered on b, placed from a: each gives its call_start back (2 per callee).
    for (let i = 0; i < 3; i++) {
      expect(await onA.refusalOf('alice', 'bob')).toBeUndefined();
      const callId = await call(alice, bob);
      await b.calls.answer(bob, 'alice', true, callId);
      await b.calls.hangup(bob, 'alice', 'hangup', callId);
      await pause();
    }
    // Unanswered attempts count, on whichever instance they come through.
    expect(await onA.refusalOf('alice', 'bob')).toBeUndefined();
    expect(await onB.refusalOf('alice', 'bob')).toBeUndefined();
    expect(await onA.refusalOf('alice', 'bob')).toStrictEqual({
      reason: 'too_many_calls',
      retryAfter: 30,
    });
    expect(await onB.refusalOf('alice', 'carol')).toBeUndefined(); // 3 per caller: the last one
    expect(await onB.refusalOf('alice', 'dave')).toMatchObject({ reason: 'too_many_calls' });
    // A decline on b cools carol → bob down for carol's instance too; a cancel does not.
    expect(await onA.refusalOf('carol', 'bob')).toBeUndefined();
    let callId = await call(carol, bob);
    await a.calls.hangup(carol, 'bob', 'hangup', callId);
    await pause();
    expect(await onA.refusalOf('carol', 'bob')).toBeUndefined();
    callId = await call(carol, bob);
    await b.calls.answer(bob, 'carol', false, callId);
    await pause();
    expect(await onA.refusalOf('carol', 'bob')).toStrictEqual({
      reason: 'declined_recently',
      retryAfter: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // The cooldown is over; what is left is the budget (the cancelled and the declined call).
    expect(await onA.refusalOf('carol', 'bob')).toMatchObject({ reason: 'too_many_calls' });
  });

  it('an observer that throws: every other observer hears, and the request fails (the gateway closes it with 1011)', async () => {
    const heard: string[] = [];
    const c = await redisInstance(prefix, OPTIONS, [
      {
        callAnswered: () => {
          throw new Error('disk on fire');
        },
      },
      { callAnswered: (call) => heard.push(`answered ${call.id}`) },
    ]);
    try {
      const alice = await openRedisPeer(c, 'alice', false);
      const bob = await openRedisPeer(c, 'bob', false);
      const callId = await call(alice, bob, c);
      await expect(c.calls.answer(bob, 'alice', true, callId)).rejects.toThrow('disk on fire');
      expect(heard).toStrictEqual([`answered ${callId}`]);
      expect(await alice.next('call_back')).toMatchObject({ callId, msg: '1' });
    } finally {
      await c.close();
    }
  });

  it('glare across instances, 40 times: exactly one call each time, the other side hears glare', async () => {
    for (let round = 0; round < 40; round += 1) {
      const alice = await openRedisPeer(a, `alice${round}`, false);
      const bob = await openRedisPeer(b, `bob${round}`, false);
      await Promise.all([
        a.calls.start(alice, bob.username, 'ring'),
        b.calls.start(bob, alice.username, 'ring'),
      ]);
      await settled(() => alice.inbox.length + bob.inbox.length >= 3);
      const glares = [...alice.inbox, ...bob.inbox].filter(
        (m) => m.type === 'call_back' && m.code === 'glare',
      );
      const rings = [...alice.inbox, ...bob.inbox].filter((m) => m.type === 'call_start');
      expect(glares).toHaveLength(1);
      expect(rings).toHaveLength(1);
      expect(glares[0].callId).toBe(rings[0].callId);
    }
    expect(history.filter((h) => h.includes(' started '))).toHaveLength(40);
  });

  it('two tabs accept on two instances at once, 40 times: one binds, the other is told', async () => {
    for (let round = 0; round < 40; round += 1) {
      const alice = await openRedisPeer(a, `alice${round}`, false);
      const tab1 = await openRedisPeer(a, `bob${round}`, false);
      const tab2 = await openRedisPeer(b, `bob${round}`, false);
      const callId = await call(alice, tab1);
      await tab2.next('call_start');
      await Promise.all([
        a.calls.answer(tab1, alice.username, true, callId),
        b.calls.answer(tab2, alice.username, true, callId),
      ]);
      await settled(() => tab1.inbox.length + tab2.inbox.length >= 4);
      const accepts = alice.inbox.filter((m) => m.type === 'call_back' && m.msg === '1');
      expect(accepts).toHaveLength(1);
      const loser = tab1.inbox.some((m) => m.type === 'error') ? tab1 : tab2;
      expect(loser.inbox.map((m) => m.type)).toStrictEqual(['call_start', 'hangup', 'error']);
      expect(loser.inbox[1]).toMatchObject({ code: 'answered_elsewhere' });
      expect(loser.inbox[2]).toMatchObject({ code: 'not_in_call' });
    }
    expect(history.filter((h) => h.includes(' answered '))).toHaveLength(40);
  });

  it('a resume on another instance replays exactly what was missed, then carries on numbering', async () => {
    const alice = await openRedisPeer(a, 'alice', true);
    const token = randomBytes(32);
    const hash = createHash('sha256').update(token).digest();
    const bobId = 'bob-session-1';
    const welcome = welcomeOf(bobId, 'bob', true);
    await a.sessions.open(bobId, 'bob', hash, welcome, accessOf('bob'));
    const bob = { id: bobId, username: 'bob' };
    await a.calls.start(alice, 'bob', 'ring'); // seq 2: call_start
    const callId = (await alice.next('ringing')).callId!;
    await a.calls.answer(bob, 'alice', true, callId); // nothing to bob
    await a.sessions.away(bobId);
    await alice.next('peer_status');
    for (let n = 0; n < 3; n += 1) {
      await a.calls.relay(alice, {
        type: '_ice',
        toUser: 'bob',
        iceCandidate: { candidate: `c${n}` },
      });
    }
    const next = createHash('sha256').update('next').digest();
    const wrong = await b.sessions.resume(bobId, 'bob', next, 2, next, accessOf('bob'));
    expect(wrong).toStrictEqual({ ok: false, code: 'unknown' });
    expect(await b.sessions.resume(bobId, 'mallory', hash, 2, next, accessOf('bob'))).toStrictEqual(
      {
        ok: false,
        code: 'forbidden',
      },
    );
    const resumed = await b.sessions.resume(bobId, 'bob', hash, 2, next, accessOf('bob'));
    expect(resumed.ok).toBe(true);
    if (!resumed.ok) {
      return;
    }
    expect(resumed.missed.map((f) => JSON.parse(f) as { seq: number; type: string })).toStrictEqual(
      [3, 4, 5].map((seq, n) => ({
        type: '_ice',
        fromUser: 'alice',
        toUser: 'bob',
        callId,
        iceCandidate: { candidate: `c${n}` },
        seq,
      })),
    );
    expect(resumed.call).toStrictEqual({ callId, state: 'active', peer: 'alice', role: 'callee' });
    expect(resumed.previousNode).toBe('');
    expect(await alice.next('peer_status')).toMatchObject({ status: 'connected' });
    // The token it used is spent; the new one works, and a lastSeq past what was sent does not.
    expect(await b.sessions.resume(bobId, 'bob', hash, 5, next, accessOf('bob'))).toMatchObject({
      code: 'unknown',
    });
    expect(await b.sessions.resume(bobId, 'bob', next, 9, next, accessOf('bob'))).toMatchObject({
      code: 'expired',
    });
    const again = await b.sessions.resume(bobId, 'bob', next, 5, next, accessOf('bob'));
    expect(again).toMatchObject({ ok: true, missed: [], previousNode: b.sessions.node });
  });

  it('a window armed by an instance that died still ends the session once, on another instance', async () => {
    const alice = await openRedisPeer(a, 'alice', true);
    const bob = await openRedisPeer(b, 'bob', true);
    const callId = await call(alice, bob);
    await a.calls.answer(bob, 'alice', true, callId);
    await a.sessions.away(bob.id);
    a.timers.stop(); // "a" dies: only b's sweep is left
    expect(await alice.next('peer_status')).toMatchObject({ status: 'reconnecting' });
    const hangup = await alice.next('hangup');
    expect(hangup).toMatchObject({ code: 'disconnected', fromUser: 'bob', callId });
    expect(history.filter((h) => h.includes('ended'))).toStrictEqual([
      `b ended ${callId} disconnected`,
    ]);
    expect(await b.sessions.isOnline('bob')).toBe(false);
    expect(
      await b.sessions.resume(bob.id, 'bob', randomBytes(32), 0, randomBytes(32), accessOf('bob')),
    ).toMatchObject({ code: 'expired' });
  });

  it('an instance that misses its heartbeats has its v2 sessions put in their windows, v1 ended', async () => {
    const dead = 'dead-node';
    const heartbeat = (node: string, ttl: number) =>
      a.scripts.run<number>('heartbeat', [node, String(ttl)]);
    expect(await heartbeat(dead, 60_000)).toBe(1);
    expect(await heartbeat(dead, 60_000)).toBe(0);
    const welcome = (id: string) => welcomeOf(id, 'bob', true);
    const deadSessions = new RedisSessions(a.scripts, a.timers, dead, 5);
    await deadSessions.open('bob-v2', 'bob', randomBytes(32), welcome('bob-v2'), accessOf('bob'));
    await deadSessions.open('carol-v1', 'carol', undefined, welcome('carol-v1'), accessOf('carol'));
    await heartbeat(dead, 1); // expires at once
    await new Promise((resolve) => setTimeout(resolve, 20));
    await b.timers.sweep();
    expect(await b.sessions.isOnline('bob')).toBe(true); // in its window
    expect(await b.sessions.isOnline('carol')).toBe(false);
    expect(await heartbeat(dead, 60_000)).toBe(1); // it was declared dead: it must fence itself
  });

  it('scripts are loaded again after SCRIPT FLUSH (as after a Redis restart)', async () => {
    const alice = await openRedisPeer(a, 'alice', false);
    await a.connection.command(['SCRIPT', 'FLUSH']);
    await a.calls.start(alice, 'alice', 'ring');
    expect(await alice.next('call_back')).toMatchObject({ code: 'self' });
  });
});
