import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { sentence } from '../src/signaling/sentences.js';
import {
  type Party,
  closeAll,
  connectCall,
  party,
  ring as ringWs,
} from './support/call-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { partyV2 } from './support/resume-fixtures.js';
import {
  type BackendUnderTest,
  type Peer,
  TEST_REDIS_URL,
  memoryBackend,
  redisBackend,
} from './support/signaling-backends.js';
import { startTestApp, type TestApp } from './support/test-app.js';

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
  describe('Web Push ringing (issue 21): devices without an open page ring by push, once', () => {
    /** The time a script's push event takes to be reported (Redis: the reply of the script). */
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

    it('no open page but subscribed devices: `ringing`, one ring push; a timeout ends it once', async () => {
      const alice = await backend.open('alice');
      await backend.calls.start(alice, 'bob', 'ring', ['phone', 'laptop', 'phone']);
      const { callId } = await alice.next('ringing');
      expect(backend.pushes).toStrictEqual([`ring ${callId} phone,laptop`]);
      expect(await backend.isRinging(callId!, 'bob')).toBe(true);
      expect(await alice.next('call_back')).toMatchObject({ code: 'no_answer', callId });
      await new Promise((resolve) => setTimeout(resolve, OPTIONS.ringTimeoutMs + 700));
      expect(backend.pushes).toStrictEqual([
        `ring ${callId} phone,laptop`,
        `ended ${callId} timeout phone,laptop`,
      ]);
      expect(backend.history).toStrictEqual([`started ${callId}`, `ended ${callId} no_answer`]);
      expect(await backend.isRinging(callId!, 'bob')).toBe(false);
    });

    it('a device whose page is open rings there only; answered on the page, the others hear answered_elsewhere', async () => {
      const alice = await backend.open('alice');
      const bobPhone = await backend.open('bob');
      await backend.linkPushDevice(bobPhone, 'phone');
      await backend.calls.start(alice, 'bob', 'ring', ['phone', 'laptop']);
      const { callId } = await alice.next('ringing');
      expect(await bobPhone.next('call_start')).toMatchObject({ callId });
      expect(backend.pushes).toStrictEqual([`ring ${callId} laptop`]);
      await backend.calls.answer(bobPhone, 'alice', true, callId);
      expect(await alice.next('call_back')).toMatchObject({ msg: '1', callId });
      await backend.calls.hangup(alice, 'bob', 'hangup', callId);
      await bobPhone.next('hangup');
      await settle();
      expect(backend.pushes).toStrictEqual([
        `ring ${callId} laptop`,
        `ended ${callId} answered_elsewhere laptop`,
      ]);
    });

    it('every device has its page open: no push; the page unlinked (null): it rings by push too', async () => {
      const alice = await backend.open('alice');
      const bob = await backend.open('bob');
      await backend.linkPushDevice(bob, 'phone');
      const first = await ring(alice, bob);
      await backend.calls.hangup(alice, 'bob', 'hangup', first);
      await bob.next('hangup');
      await backend.linkPushDevice(bob, undefined);
      const second = await ring(alice, bob);
      await backend.calls.hangup(alice, 'bob', 'hangup', second);
      await bob.next('hangup');
      await settle();
      expect(backend.pushes).toStrictEqual([]); // ring() starts without devices
      await backend.calls.start(alice, 'bob', 'ring', ['phone']);
      const { callId: third } = await alice.next('ringing');
      expect(backend.pushes).toStrictEqual([`ring ${third} phone`]);
    });

    it('a page whose socket dropped (away, v2) is no open page: its device rings by push', async () => {
      const alice = await backend.open('alice');
      const bobPhone = await backend.open('bob', true);
      await backend.linkPushDevice(bobPhone, 'phone');
      await backend.away(bobPhone);
      await backend.calls.start(alice, 'bob', 'ring', ['phone']);
      const { callId } = await alice.next('ringing');
      expect(backend.pushes).toStrictEqual([`ring ${callId} phone`]);
    });

    it('the caller cancels: cancelled; the last page closing leaves the devices ringing', async () => {
      const alice = await backend.open('alice');
      const bobLaptop = await backend.open('bob');
      await backend.calls.start(alice, 'bob', 'ring', ['phone']);
      const { callId } = await alice.next('ringing');
      await bobLaptop.next('call_start');
      await backend.close(bobLaptop);
      await settle();
      expect(alice.inbox.filter((m) => m.type === 'call_back')).toStrictEqual([]);
      expect(await backend.isRinging(callId!, 'bob')).toBe(true);
      await backend.calls.hangup(alice, 'bob', 'hangup', callId);
      await settle();
      expect(backend.pushes).toStrictEqual([
        `ring ${callId} phone`,
        `ended ${callId} cancelled phone`,
      ]);
      expect(backend.history).toStrictEqual([`started ${callId}`, `ended ${callId} cancelled`]);
    });

    it('Decline from a notification: only for the callee, once; the caller hears rejected', async () => {
      const alice = await backend.open('alice');
      await backend.calls.start(alice, 'bob', 'ring', ['phone', 'laptop']);
      const { callId } = await alice.next('ringing');
      expect(await backend.isRinging(callId!, 'carol')).toBe(false);
      expect(await backend.decline(callId!, 'carol')).toBe(false);
      expect(await backend.decline(callId!, 'bob')).toBe(true);
      expect(await alice.next('call_back')).toStrictEqual({
        type: 'call_back',
        fromUser: 'bob',
        toUser: 'alice',
        callId,
        msg: '0',
        code: 'rejected',
      });
      expect(await backend.decline(callId!, 'bob')).toBe(false);
      expect(backend.pushes).toStrictEqual([
        `ring ${callId} phone,laptop`,
        `ended ${callId} declined phone,laptop`,
      ]);
      expect(backend.history).toStrictEqual([`started ${callId}`, `ended ${callId} rejected`]);
    });

    it('refused, do-not-disturb and busy callers push nothing and hear what they hear today', async () => {
      const alice = await backend.open('alice');
      const carol = await backend.open('carol');
      await backend.calls.start(alice, 'bob', 'refused', ['phone']);
      expect(await alice.next('call_back')).toMatchObject({ code: 'offline' });
      await backend.calls.start(alice, 'bob', 'do_not_disturb', ['phone']);
      expect(await alice.next('call_back')).toMatchObject({ code: 'unavailable' });
      await backend.calls.start(carol, 'dave', 'ring', []);
      expect(await carol.next('call_back')).toMatchObject({ code: 'offline' });
      await backend.calls.start(carol, 'bob', 'ring', ['phone']);
      const { callId } = await carol.next('ringing');
      await backend.calls.start(alice, 'bob', 'ring', ['phone']);
      expect(await alice.next('call_back')).toMatchObject({ code: 'busy' });
      expect(backend.pushes).toStrictEqual([`ring ${callId} phone`]);
    });
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

  it("call waiting: the callee's only session closes: its peer hears disconnected, the waiting caller offline", async () => {
    const alice = await backend.open('alice', true);
    const bob = await backend.open('bob', true);
    const carol = await backend.open('carol', true);
    const first = await talking(alice, bob);
    await backend.calls.start(carol, 'bob', 'ring');
    const second = (await carol.next('ringing')).callId!;
    await bob.next('call_start');
    await backend.close(bob);
    expect(await alice.next('hangup')).toMatchObject({ code: 'disconnected', callId: first });
    expect(await carol.next('call_back')).toMatchObject({ code: 'offline', callId: second });
    expect(backend.history.filter((h) => h.startsWith('ended'))).toStrictEqual([
      `ended ${first} disconnected`,
      `ended ${second} offline`,
    ]);
    expect(await backend.calls.isInCall(carol.id)).toBe(false);
  });

  it('call waiting rings only the session in the call: no device of the callee is pushed', async () => {
    const alice = await backend.open('alice', true);
    const bob = await backend.open('bob', true);
    const carol = await backend.open('carol', true);
    await talking(alice, bob);
    await backend.calls.start(carol, 'bob', 'ring', ['laptop']);
    const { callId } = await carol.next('ringing');
    expect(await bob.next('call_start')).toMatchObject({ callId, waiting: true });
    await new Promise((resolve) => setTimeout(resolve, 50)); // a script's push event, if any
    expect(backend.pushes).toStrictEqual([]);
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

/** A whole server's environment for one back end (and the database it made, to drop). */
interface ServerBackend {
  env: Record<string, string>;
  database?: TestDatabase;
}

/**
 * The same rules through the whole server, with real `ws` clients, in memory and on Redis
 * (issue 20): the call_start limits say why and for how long, and call waiting.
 */
describe.each([
  ['memory', (): Promise<ServerBackend> => Promise.resolve({ env: {} })],
  [
    'redis',
    async (): Promise<ServerBackend> => {
      const database = await createTestDatabase();
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: `dialtone-c20-${randomBytes(4).toString('hex')}:`,
      };
      return { env, database };
    },
  ],
])('calling back and call waiting through the server: %s', (_name, backendEnv) => {
  let app: TestApp;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    const backend = await backendEnv();
    database = backend.database;
    app = await startTestApp({ ...backend.env, CALL_COOLDOWN: '2', RING_TIMEOUT_MS: '5000' });
  });
  afterAll(async () => {
    await app.close();
    await database?.drop();
  });

  function hangUp(from: Party, to: Party): void {
    from.ws.send({ type: 'hangup', toUser: to.user.username });
  }

  it('a cancel starts no cooldown; a decline does, short, saying declined_recently and retryAfter', async () => {
    const alice = await party(app.baseUrl, 'cb');
    const bob = await party(app.baseUrl, 'cbb');
    await ringWs(alice, bob);
    hangUp(alice, bob);
    expect(await bob.ws.next('hangup')).toMatchObject({ code: 'cancelled' });
    await ringWs(alice, bob); // at once: a mis-click costs nothing
    bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '0' });
    expect(await alice.ws.next('call_back')).toMatchObject({ msg: '0', code: 'rejected' });
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    expect(await alice.ws.next('call_back')).toStrictEqual({
      type: 'call_back',
      fromUser: 'system',
      toUser: alice.user.username,
      msg: sentence('rate_limited', bob.user.username),
      code: 'rate_limited',
      retryAfter: 2,
      reason: 'declined_recently',
    });
    await bob.ws.expectSilence(); // nothing rang
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await ringWs(alice, bob); // the cooldown is over: it rings
    hangUp(alice, bob);
    closeAll(alice, bob);
  });

  it('answered calls never count: four answered, then a fifth rings; unanswered ones do (too_many_calls)', async () => {
    const alice = await party(app.baseUrl, 'ans');
    const bob = await party(app.baseUrl, 'ansb');
    for (let i = 0; i < 4; i++) {
      await connectCall(alice, bob);
      hangUp(alice, bob);
      expect(await bob.ws.next('hangup')).toMatchObject({ code: 'hangup' });
    }
    // The fifth rings, and so do three more unanswered (cancelled) ones: 4 per 5 minutes.
    for (let i = 0; i < 4; i++) {
      await ringWs(alice, bob);
      hangUp(alice, bob);
      expect(await bob.ws.next('hangup')).toMatchObject({ code: 'cancelled' });
    }
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    // One token back every 75 s (4 per 300 s).
    expect(await alice.ws.next('call_back')).toMatchObject({
      code: 'rate_limited',
      reason: 'too_many_calls',
      retryAfter: 75,
    });
    closeAll(alice, bob);
  });

  it('call waiting: the second caller hears ringing, the callee gets waiting; accepting switches', async () => {
    const alice = await partyV2(app.baseUrl, 'cwa');
    const bob = await partyV2(app.baseUrl, 'cwb');
    const carol = await partyV2(app.baseUrl, 'cwc');
    const first = await connectCall(alice, bob);
    carol.ws.send({ type: 'call_start', toUser: bob.user.username });
    const ringing = await carol.ws.next('ringing');
    expect(await bob.ws.next('call_start')).toMatchObject({
      fromUser: carol.user.username,
      callId: ringing.callId,
      msg: '1',
      waiting: true,
    });
    bob.ws.send({ type: 'call_back', toUser: carol.user.username, msg: '1' });
    expect(await alice.ws.next('hangup')).toMatchObject({
      fromUser: bob.user.username,
      callId: first,
      code: 'switched',
      msg: sentence('switched', bob.user.username),
    });
    expect(await carol.ws.next('call_back')).toMatchObject({ msg: '1', callId: ringing.callId });
    carol.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0 new call' });
    expect(await bob.ws.next('offer')).toMatchObject({ sdp: 'v=0 new call' });
    closeAll(alice, bob, carol);
  });

  it('call waiting: a protocol 1 callee in a call keeps busy', async () => {
    const alice = await party(app.baseUrl, 'p1a');
    const bob = await party(app.baseUrl, 'p1b'); // protocol 1
    const carol = await partyV2(app.baseUrl, 'p1c');
    await connectCall(alice, bob);
    carol.ws.send({ type: 'call_start', toUser: bob.user.username });
    expect(await carol.ws.next('call_back')).toMatchObject({ code: 'busy' });
    await bob.ws.expectSilence();
    closeAll(alice, bob, carol);
  });
});
