import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type BackendOptions,
  type BackendUnderTest,
  type Peer,
  memoryBackend,
  redisBackend,
} from './support/signaling-backends.js';

const MAX_SESSIONS = 2;
const OPTIONS = { ringTimeoutMs: 2000, windowMs: 2000, maxSessions: MAX_SESSIONS };

/**
 * The session directory and its cap (MAX_SESSIONS_PER_USER), one behaviour on both back ends: in
 * memory (the gateway's sessionCapVictims over the registry) and on Redis (open.lua, which
 * decides and applies the cap in one atomic step, on 127.0.0.1:6379 under a key prefix of its
 * own). A session that made room is gone from the directory at once: not listed, not rung.
 */
describe.each([
  ['memory', (options: BackendOptions) => Promise.resolve(memoryBackend(options))],
  ['redis', (options: BackendOptions) => redisBackend(options)],
])('session directory contract: %s', (_name, create) => {
  let backend: BackendUnderTest;

  beforeEach(async () => {
    backend = await create(OPTIONS);
  });

  afterEach(async () => {
    await backend.teardown();
  });

  it('past the cap the oldest session gives way at once: no longer listed, and a ring skips it', async () => {
    const first = await backend.admit('alice');
    const second = await backend.admit('alice');
    expect([first.victims, second.victims]).toStrictEqual([[], []]);
    const third = await backend.admit('alice');
    expect(third.victims).toStrictEqual([first.peer.id]);
    expect(await backend.listed('alice')).toStrictEqual([second.peer.id, third.peer.id]);
    const bob = await backend.open('bob');
    await backend.calls.start(bob, 'alice', 'ring');
    const { callId } = await bob.next('ringing');
    for (const rung of [second.peer, third.peer]) {
      expect(await rung.next('call_start')).toMatchObject({ callId });
    }
    expect(first.peer.inbox.filter((m) => m.type === 'call_start')).toStrictEqual([]);
  });

  it('a session in a call is kept: the oldest idle one gives way', async () => {
    const inCall = await backend.admit('alice');
    const bob = await backend.open('bob');
    await backend.calls.start(bob, 'alice', 'ring');
    const { callId } = await bob.next('ringing');
    await backend.calls.answer(inCall.peer, 'bob', true, callId);
    await bob.next('call_back');
    const idle = await backend.admit('alice');
    const third = await backend.admit('alice');
    expect(third.victims).toStrictEqual([idle.peer.id]);
    expect(await backend.listed('alice')).toStrictEqual([inCall.peer.id, third.peer.id]);
  });

  it('when every other session is in a call, the newest gives way (a cap of 1)', async () => {
    const single = await create({ ...OPTIONS, maxSessions: 1 });
    try {
      const inCall = await single.admit('alice');
      const bob = await single.open('bob');
      await single.calls.start(bob, 'alice', 'ring');
      const { callId } = await bob.next('ringing');
      await single.calls.answer(inCall.peer, 'bob', true, callId);
      await bob.next('call_back');
      const newest = await single.admit('alice');
      expect(newest.victims).toStrictEqual([newest.peer.id]);
      expect(await single.listed('alice')).toStrictEqual([inCall.peer.id]);
    } finally {
      await single.teardown();
    }
  });

  it('30 opens at once: each makes room for a different session, and exactly the cap stay listed', async () => {
    const admitted = await Promise.all(Array.from({ length: 30 }, () => backend.admit('alice')));
    const victims = admitted.flatMap((a) => a.victims);
    expect(new Set(victims).size).toBe(victims.length);
    expect(victims).toHaveLength(30 - MAX_SESSIONS);
    const listed = await backend.listed('alice');
    expect(listed).toHaveLength(MAX_SESSIONS);
    const everyone = admitted.map((a: { peer: Peer }) => a.peer.id);
    expect(new Set([...victims, ...listed])).toStrictEqual(new Set(everyone));
  });
});
