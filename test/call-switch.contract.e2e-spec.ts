import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sentence } from '../src/signaling/sentences.js';
import {
  type BackendUnderTest,
  type Peer,
  memoryBackend,
  redisBackend,
} from './support/signaling-backends.js';

const OPTIONS = { ringTimeoutMs: 400, windowMs: 2000 };

/**
 * One behaviour, two back ends: every rule of a call, as a client sees it, holds the same in
 * memory (CallMachine) and on Redis (RedisCallSwitch's Lua scripts, on 127.0.0.1:6379 under a key
 * prefix of its own), so the embedded default and the scale-out cannot drift apart.
 */
describe.each([
  ['memory', () => Promise.resolve(memoryBackend(OPTIONS))],
  ['redis', () => redisBackend(OPTIONS)],
])('call switch contract: %s', (_name, create) => {
  let backend: BackendUnderTest;

  beforeEach(async () => {
    backend = await create();
  });

  afterEach(async () => {
    await backend.teardown();
  });

  /** alice calls bob; resolves to the call id once bob's devices ring. */
  async function ring(alice: Peer, ...bobs: Peer[]): Promise<string> {
    await backend.calls.start(alice, bobs[0].username, 'ring');
    const ringing = await alice.next('ringing');
    for (const bob of bobs) {
      expect(await bob.next('call_start')).toStrictEqual({
        type: 'call_start',
        fromUser: alice.username,
        toUser: bob.username,
        callId: ringing.callId,
        msg: '1',
      });
    }
    return ringing.callId!;
  }

  it('rings every device of the callee; an accept binds one, the others hear answered_elsewhere', async () => {
    const alice = await backend.open('alice');
    const bobPhone = await backend.open('bob');
    const bobLaptop = await backend.open('bob');
    const callId = await ring(alice, bobPhone, bobLaptop);
    await backend.calls.answer(bobLaptop, 'alice', true, callId);
    expect(await alice.next('call_back')).toStrictEqual({
      type: 'call_back',
      fromUser: 'bob',
      toUser: 'alice',
      callId,
      msg: '1',
    });
    expect(await bobPhone.next('hangup')).toMatchObject({ code: 'answered_elsewhere', callId });
    expect(bobLaptop.inbox.map((m) => m.type)).toStrictEqual(['call_start']);
    expect(backend.history).toStrictEqual([`started ${callId}`, `answered ${callId}`]);
    expect(await backend.calls.isInCall(bobLaptop.id)).toBe(true);
    expect(await backend.calls.isInCall(bobPhone.id)).toBe(false);
  });

  it('relays only between the two bound sessions, stamping the sender', async () => {
    const alice = await backend.open('alice');
    const bobPhone = await backend.open('bob');
    const bobLaptop = await backend.open('bob');
    const callId = await ring(alice, bobPhone, bobLaptop);
    await backend.calls.answer(bobPhone, 'alice', true);
    await backend.calls.relay(alice, { type: 'offer', toUser: 'bob', sdp: 'v=0 "quoted" é' });
    expect(await bobPhone.next('offer')).toStrictEqual({
      type: 'offer',
      fromUser: 'alice',
      toUser: 'bob',
      callId,
      sdp: 'v=0 "quoted" é',
    });
    await backend.calls.relay(bobPhone, {
      type: '_ice',
      toUser: 'alice',
      callId,
      iceCandidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0' },
    });
    expect(await alice.next('_ice')).toStrictEqual({
      type: '_ice',
      fromUser: 'bob',
      toUser: 'alice',
      callId,
      iceCandidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0' },
    });
    await backend.calls.relay(bobPhone, {
      type: 'media_state',
      toUser: 'alice',
      audio: false,
      video: true,
      screen: true,
    });
    expect(await alice.next('media_state')).toMatchObject({
      audio: false,
      video: true,
      screen: true,
    });
    await backend.calls.relay(bobLaptop, { type: 'answer', toUser: 'alice', sdp: 'x' });
    expect(await bobLaptop.next('error')).toStrictEqual({
      type: 'error',
      fromUser: 'system',
      toUser: 'bob',
      code: 'not_in_call',
      msg: sentence('not_in_call', 'alice'),
    });
    await backend.calls.relay(alice, { type: 'offer', toUser: 'carol', sdp: 'x', callId });
    expect(await alice.next('error')).toMatchObject({ code: 'not_in_call', callId });
    expect(alice.inbox.filter((m) => m.type === 'offer')).toStrictEqual([]);
  });

  it('busy, offline, unknown user, self, already in a call: only the caller hears', async () => {
    const alice = await backend.open('alice');
    const bob = await backend.open('bob');
    const carol = await backend.open('carol');
    const callId = await ring(alice, bob);
    await backend.calls.start(carol, 'bob', 'ring');
    const busy = await carol.next('call_back');
    expect(busy).toMatchObject({ code: 'busy', fromUser: 'system', msg: sentence('busy', 'bob') });
    await backend.calls.start(carol, 'dave', 'ring');
    expect(await carol.next('call_back')).toMatchObject({ code: 'offline', toUser: 'carol' });
    await backend.calls.start(carol, 'erin', 'unknown_user');
    expect(await carol.next('call_back')).toMatchObject({ code: 'unknown_user' });
    expect(carol.inbox[carol.inbox.length - 1]).not.toHaveProperty('callId');
    await backend.calls.start(carol, 'carol', 'ring');
    expect(await carol.next('call_back')).toMatchObject({ code: 'self' });
    await backend.calls.start(alice, 'carol', 'ring');
    expect(await alice.next('error')).toMatchObject({ code: 'already_in_call', callId });
    expect(backend.history).toStrictEqual([
      `started ${callId}`,
      `started ${busy.callId}`,
      `ended ${busy.callId} busy`,
      expect.stringMatching(/^started /),
      expect.stringMatching(/ offline$/),
    ]);
    expect(bob.inbox.map((m) => m.type)).toStrictEqual(['call_start']);
  });

  it('privacy: a refused caller hears offline, do-not-disturb hears unavailable; nobody rings', async () => {
    const alice = await backend.open('alice');
    const bob = await backend.open('bob');
    await backend.calls.start(alice, 'bob', 'refused');
    expect(await alice.next('call_back')).toMatchObject({ code: 'offline' });
    await backend.calls.start(alice, 'bob', 'do_not_disturb');
    expect(await alice.next('call_back')).toMatchObject({ code: 'unavailable' });
    expect(bob.inbox).toStrictEqual([]);
  });

  it('glare: when both dial, exactly one call exists and the second caller is told to answer it', async () => {
    const alice = await backend.open('alice');
    const bob = await backend.open('bob');
    const callId = await ring(alice, bob);
    await backend.calls.start(bob, 'alice', 'ring');
    expect(await bob.next('call_back')).toStrictEqual({
      type: 'call_back',
      fromUser: 'system',
      toUser: 'bob',
      callId,
      msg: sentence('glare', 'alice'),
      code: 'glare',
    });
    expect(alice.inbox.map((m) => m.type)).toStrictEqual(['ringing']);
    expect(backend.history).toStrictEqual([`started ${callId}`]);
  });

  it('cancel, reject and hang-up end the call once, telling the right sessions', async () => {
    const alice = await backend.open('alice');
    const bobPhone = await backend.open('bob');
    const bobLaptop = await backend.open('bob');
    const first = await ring(alice, bobPhone, bobLaptop);
    await backend.calls.hangup(alice, 'bob');
    for (const bob of [bobPhone, bobLaptop]) {
      expect(await bob.next('hangup')).toStrictEqual({
        type: 'hangup',
        fromUser: 'alice',
        toUser: 'bob',
        callId: first,
        code: 'cancelled',
        msg: sentence('cancelled', 'alice'),
      });
    }
    const second = await ring(alice, bobPhone, bobLaptop);
    await backend.calls.answer(bobPhone, 'alice', false, second);
    expect(await alice.next('call_back')).toMatchObject({ msg: '0', code: 'rejected' });
    expect(await bobLaptop.next('hangup')).toMatchObject({ code: 'rejected_elsewhere' });
    const third = await ring(alice, bobPhone, bobLaptop);
    await backend.calls.answer(bobLaptop, 'alice', true);
    await backend.calls.hangup(bobLaptop, 'alice', 'ice_failed', third);
    expect(await alice.next('hangup')).toMatchObject({
      fromUser: 'bob',
      code: 'ice_failed',
      callId: third,
    });
    await backend.calls.hangup(alice, 'bob', 'hangup', third); // late: a silent no-op
    await backend.calls.answer(bobPhone, 'alice', true, third);
    expect(await bobPhone.next('error')).toMatchObject({ code: 'not_in_call', callId: third });
    expect(backend.history.filter((h) => h.startsWith('ended'))).toStrictEqual([
      `ended ${first} cancelled`,
      `ended ${second} rejected`,
      `ended ${third} ice_failed`,
    ]);
  });

  it('an unanswered call times out once: no_answer for the caller, missed for every device', async () => {
    const alice = await backend.open('alice');
    const bob = await backend.open('bob');
    const callId = await ring(alice, bob);
    expect(await alice.next('call_back')).toMatchObject({ code: 'no_answer', callId });
    expect(await bob.next('hangup')).toMatchObject({ code: 'missed', fromUser: 'system' });
    await new Promise((resolve) => setTimeout(resolve, OPTIONS.ringTimeoutMs + 700));
    expect(backend.history).toStrictEqual([`started ${callId}`, `ended ${callId} no_answer`]);
  });

  it('a device opened while its user is rung rings too', async () => {
    const alice = await backend.open('alice');
    const bobPhone = await backend.open('bob');
    const callId = await ring(alice, bobPhone);
    const bobLaptop = await backend.open('bob');
    expect(await bobLaptop.next('call_start')).toMatchObject({ callId, fromUser: 'alice' });
  });

  it('a session that ends ends its call: the peer hears disconnected; a last callee device, offline', async () => {
    const alice = await backend.open('alice');
    const bob = await backend.open('bob');
    const first = await ring(alice, bob);
    await backend.calls.answer(bob, 'alice', true);
    expect(await alice.next('call_back')).toMatchObject({ msg: '1', callId: first });
    await backend.close(bob);
    expect(await alice.next('hangup')).toStrictEqual({
      type: 'hangup',
      fromUser: 'bob',
      toUser: 'alice',
      callId: first,
      code: 'disconnected',
      msg: sentence('disconnected', 'bob'),
    });
    const bobAgain = await backend.open('bob');
    const second = await ring(alice, bobAgain);
    await backend.close(bobAgain);
    expect(await alice.next('call_back')).toMatchObject({ code: 'offline', callId: second });
    expect(backend.history.filter((h) => h.startsWith('ended'))).toStrictEqual([
      `ended ${first} disconnected`,
      `ended ${second} offline`,
    ]);
  });

  it('a v2 session that goes away keeps its call; its peer hears reconnecting', async () => {
    const alice = await backend.open('alice', true);
    const bob = await backend.open('bob', true);
    const callId = await ring(alice, bob);
    await backend.calls.answer(bob, 'alice', true);
    await backend.away(bob);
    expect(await alice.next('peer_status')).toStrictEqual({
      type: 'peer_status',
      fromUser: 'bob',
      toUser: 'alice',
      callId,
      status: 'reconnecting',
    });
    await backend.calls.relay(alice, { type: 'offer', toUser: 'bob', sdp: 'kept for the resume' });
    expect(alice.inbox.filter((m) => m.type === 'error')).toStrictEqual([]);
    expect(backend.history).toStrictEqual([`started ${callId}`, `answered ${callId}`]);
  });

  /** alice (on `aliceV2`) and bob talk; resolves to the active call's id. */
  async function talking(alice: Peer, bob: Peer): Promise<string> {
    const callId = await ring(alice, bob);
    await backend.calls.answer(bob, alice.username, true, callId);
    expect(await alice.next('call_back')).toMatchObject({ msg: '1', callId });
    return callId;
  }

  it('call waiting: a protocol 2 callee in a call is rung with waiting, on that session only; the caller hears ringing', async () => {
    const alice = await backend.open('alice', true);
    const bob = await backend.open('bob', true);
    const bobPhone = await backend.open('bob', true);
    const carol = await backend.open('carol', true);
    const first = await ring(alice, bob, bobPhone);
    await backend.calls.answer(bob, 'alice', true, first);
    expect(await alice.next('call_back')).toMatchObject({ msg: '1', callId: first });
    await backend.calls.start(carol, 'bob', 'ring');
    const ringing = await carol.next('ringing');
    expect(await bob.next('call_start')).toStrictEqual({
      type: 'call_start',
      fromUser: 'carol',
      toUser: 'bob',
      callId: ringing.callId,
      msg: '1',
      waiting: true,
    });
    // A third caller: busy (one waiting call at most); the idle phone never rang.
    const dave = await backend.open('dave', true);
    await backend.calls.start(dave, 'bob', 'ring');
    expect(await dave.next('call_back')).toMatchObject({ code: 'busy' });
    expect(bobPhone.inbox.filter((m) => m.type === 'call_start')).toHaveLength(1);
    // The current call goes on undisturbed.
    await backend.calls.relay(alice, { type: 'offer', toUser: 'bob', sdp: 'still here' });
    expect(await bob.next('offer')).toMatchObject({ sdp: 'still here', callId: first });
  });

  it('call waiting: End & accept ends the current call (its peer hears switched) and connects the new one', async () => {
    const alice = await backend.open('alice', true);
    const bob = await backend.open('bob', true);
    const carol = await backend.open('carol', true);
    const first = await talking(alice, bob);
    await backend.calls.start(carol, 'bob', 'ring');
    const second = (await carol.next('ringing')).callId!;
    expect(await bob.next('call_start')).toMatchObject({ callId: second, waiting: true });
    await backend.calls.answer(bob, 'carol', true, second);
    expect(await alice.next('hangup')).toStrictEqual({
      type: 'hangup',
      fromUser: 'bob',
      toUser: 'alice',
      callId: first,
      code: 'switched',
      msg: sentence('switched', 'bob'),
    });
    expect(await carol.next('call_back')).toMatchObject({
      fromUser: 'bob',
      msg: '1',
      callId: second,
    });
    await backend.calls.relay(carol, { type: 'offer', toUser: 'bob', sdp: 'new call' });
    expect(await bob.next('offer')).toMatchObject({ sdp: 'new call', callId: second });
    await backend.calls.relay(alice, { type: 'offer', toUser: 'bob', sdp: 'old call' });
    expect(await alice.next('error')).toMatchObject({ code: 'not_in_call' });
    expect(await backend.calls.isInCall(alice.id)).toBe(false);
    expect(backend.history).toStrictEqual([
      `started ${first}`,
      `answered ${first}`,
      `started ${second}`,
      `ended ${first} switched`,
      `answered ${second}`,
    ]);
  });

  it('call waiting: a declined waiting call is rejected; an unanswered one ends no_answer/missed; the current call goes on', async () => {
    const alice = await backend.open('alice', true);
    const bob = await backend.open('bob', true);
    const carol = await backend.open('carol', true);
    const first = await talking(alice, bob);
    await backend.calls.start(carol, 'bob', 'ring');
    const declined = (await carol.next('ringing')).callId!;
    await bob.next('call_start');
    await backend.calls.answer(bob, 'carol', false, declined);
    expect(await carol.next('call_back')).toMatchObject({ msg: '0', code: 'rejected' });
    await backend.calls.start(carol, 'bob', 'ring');
    const missed = (await carol.next('ringing')).callId!;
    expect(await bob.next('call_start')).toMatchObject({ callId: missed, waiting: true });
    expect(await carol.next('call_back')).toMatchObject({ code: 'no_answer', callId: missed });
    expect(await bob.next('hangup')).toMatchObject({ code: 'missed', callId: missed });
    expect(alice.inbox.filter((m) => m.type === 'hangup')).toStrictEqual([]);
    await backend.calls.relay(bob, { type: 'offer', toUser: 'alice', sdp: 'x' });
    expect(await alice.next('offer')).toMatchObject({ callId: first });
    expect(backend.history.filter((h) => h.startsWith('ended'))).toStrictEqual([
      `ended ${declined} rejected`,
      `ended ${missed} no_answer`,
    ]);
  });

  it('call waiting: when the current call ends first, the waiting call rings as any call', async () => {
    const alice = await backend.open('alice', true);
    const bob = await backend.open('bob', true);
    const carol = await backend.open('carol', true);
    await talking(alice, bob);
    await backend.calls.start(carol, 'bob', 'ring');
    const second = (await carol.next('ringing')).callId!;
    await bob.next('call_start');
    await backend.calls.hangup(alice, 'bob');
    expect(await bob.next('hangup')).toMatchObject({ code: 'hangup', fromUser: 'alice' });
    const bobLaptop = await backend.open('bob', true);
    expect(await bobLaptop.next('call_start')).toStrictEqual({
      type: 'call_start',
      fromUser: 'carol',
      toUser: 'bob',
      callId: second,
      msg: '1',
    });
    await backend.calls.answer(bob, 'carol', true, second);
    expect(await carol.next('call_back')).toMatchObject({ msg: '1', callId: second });
    expect(await bobLaptop.next('hangup')).toMatchObject({ code: 'answered_elsewhere' });
  });

  it('call waiting: the caller may cancel; a protocol 1 callee in a call keeps busy', async () => {
    const alice = await backend.open('alice');
    const bob = await backend.open('bob'); // protocol 1
    const carol = await backend.open('carol', true);
    await talking(alice, bob);
    await backend.calls.start(carol, 'bob', 'ring');
    expect(await carol.next('call_back')).toMatchObject({ code: 'busy' });
    const erin = await backend.open('erin', true);
    const frank = await backend.open('frank', true);
    await talking(erin, frank);
    await backend.calls.start(carol, 'frank', 'ring');
    const waiting = (await carol.next('ringing')).callId!;
    expect(await frank.next('call_start')).toMatchObject({ callId: waiting, waiting: true });
    await backend.calls.hangup(carol, 'frank', 'hangup', waiting);
    expect(await frank.next('hangup')).toMatchObject({ code: 'cancelled', callId: waiting });
    expect(erin.inbox.filter((m) => m.type === 'hangup')).toStrictEqual([]);
    expect(backend.history.filter((h) => h.startsWith('ended'))).toStrictEqual([
      expect.stringMatching(/ busy$/),
      `ended ${waiting} cancelled`,
    ]);
  });
});
