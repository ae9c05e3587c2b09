import assert from 'node:assert/strict';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { CallMachine } from './call-machine.js';
import type {
  CallObserver,
  CallSummary,
  EndCode,
  Outbox,
  SessionDirectory,
  SessionRef,
  Timers,
} from './call-machine.types.js';
import type {
  CallBackCode,
  CallBackMessage,
  ErrorCode,
  ErrorMessage,
  HangupCode,
  HangupMessage,
  IncomingCallMessage,
  MessageCode,
  ServerMessage,
} from './protocol.js';
import { SYSTEM_USER } from './protocol.js';
import { sentence } from './sentences.js';

const RING_TIMEOUT_MS = 30_000;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

interface Delivery {
  to: string;
  message: ServerMessage;
}

interface FakeTimer {
  ms: number;
  callback: () => void;
  cleared: boolean;
}

type ObservedEvent =
  | { event: 'started'; call: CallSummary; at: number }
  | { event: 'answered'; call: CallSummary; at: number }
  | { event: 'ended'; call: CallSummary; code: EndCode; at: number };

/** Every collaborator of the machine, in memory: what it sent, which timers it set, what it told. */
class Harness implements Outbox, SessionDirectory, Timers, CallObserver {
  readonly delivered: Delivery[] = [];
  readonly timers: FakeTimer[] = [];
  readonly events: ObservedEvent[] = [];
  /** Every message ever sent, for the invariants checked after each test. */
  readonly everything: Delivery[] = [];
  time = T0;
  private readonly open = new Map<string, SessionRef[]>();
  private nextCallId = 1;
  readonly machine: CallMachine;

  constructor() {
    this.machine = new CallMachine({
      outbox: this,
      directory: this,
      timers: this,
      observers: [this],
      ringTimeoutMs: RING_TIMEOUT_MS,
      newCallId: () => `call-${this.nextCallId++}`,
      now: () => new Date(this.time),
    });
  }

  // Outbox
  send(sessionId: string, message: ServerMessage): void {
    this.delivered.push({ to: sessionId, message });
    this.everything.push({ to: sessionId, message });
  }

  // SessionDirectory
  sessionsOf(username: string): readonly SessionRef[] {
    return this.open.get(username) ?? [];
  }

  // Timers
  set(ms: number, callback: () => void): unknown {
    const timer: FakeTimer = { ms, callback, cleared: false };
    this.timers.push(timer);
    return timer;
  }
  clear(handle: unknown): void {
    if (handle !== undefined) {
      (handle as FakeTimer).cleared = true;
    }
  }

  // CallObserver: snapshots, since the machine mutates its call objects.
  callStarted(call: CallSummary, at: Date): void {
    this.events.push({ event: 'started', call: snapshot(call), at: at.getTime() });
  }
  callAnswered(call: CallSummary, at: Date): void {
    this.events.push({ event: 'answered', call: snapshot(call), at: at.getTime() });
  }
  callEnded(call: CallSummary, code: EndCode, at: Date): void {
    this.events.push({ event: 'ended', call: snapshot(call), code, at: at.getTime() });
  }

  /** A new session of `username`, listed in the directory, announced to the machine. */
  connect(username: string, id: string, protocol?: 1 | 2): SessionRef {
    const session: SessionRef =
      protocol === undefined ? { id, username } : { id, username, protocol };
    this.open.set(username, [...this.sessionsOf(username), session]);
    this.machine.sessionOpened(session);
    return session;
  }

  /** The session leaves the directory first, then the machine hears of it (as the gateway does). */
  disconnect(session: SessionRef): void {
    const remaining = this.sessionsOf(session.username).filter((s) => s.id !== session.id);
    if (remaining.length > 0) {
      this.open.set(session.username, remaining);
    } else {
      this.open.delete(session.username);
    }
    this.machine.sessionClosed(session);
  }

  /** What was sent since the last take, and forget it. */
  take(): Delivery[] {
    return this.delivered.splice(0);
  }

  /** What was sent since the last take, in a form easy to compare: one entry per session. */
  takeBySession(): Record<string, ServerMessage[]> {
    const grouped: Record<string, ServerMessage[]> = {};
    for (const { to, message } of this.take()) {
      (grouped[to] ??= []).push(message);
    }
    return grouped;
  }

  takeEvents(): ObservedEvent[] {
    return this.events.splice(0);
  }

  /** The one ring timer still pending. */
  pendingRingTimer(): FakeTimer {
    const pending = this.timers.filter((t) => !t.cleared);
    assert.equal(pending.length, 1, 'exactly one pending ring timer');
    return pending[0];
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cleared).length;
  }
}

function snapshot(call: CallSummary): CallSummary {
  return {
    id: call.id,
    caller: call.caller,
    callee: call.callee,
    callerSession: call.callerSession,
    calleeSession: call.calleeSession,
    ...(call.hiddenFromCallee === undefined ? {} : { hiddenFromCallee: call.hiddenFromCallee }),
  };
}

function summary(
  id: string,
  caller: SessionRef,
  callee: string,
  calleeSession?: string,
): CallSummary {
  return {
    id,
    caller: caller.username,
    callee,
    callerSession: caller.id,
    calleeSession,
  };
}

// The messages the machine is expected to send, one builder per shape. They are written out from
// the protocol, never with CallMachine code; a few tests below keep their expectations fully
// literal, so a slip here cannot hide one in the machine.

/** To every ringing session of the callee: the incoming call. */
function incomingCall(fromUser: string, toUser: string, callId: string): IncomingCallMessage {
  return { type: 'call_start', fromUser, toUser, callId, msg: '1' };
}

/** To the caller: the callee `fromUser` accepted. */
function accepted(fromUser: string, toUser: string, callId: string): CallBackMessage {
  return { type: 'call_back', fromUser, toUser, callId, msg: '1' };
}

/** To the caller: the callee `fromUser` declined, with seed's msg "0". */
function rejected(fromUser: string, toUser: string, callId: string): CallBackMessage {
  return { type: 'call_back', fromUser, toUser, callId, msg: '0', code: 'rejected' };
}

/** To the caller: the server's own call_back, whose sentence names `peer`; no callId if no call was made. */
function systemReply(
  toUser: string,
  code: CallBackCode,
  peer: string,
  callId?: string,
): CallBackMessage {
  return {
    type: 'call_back',
    fromUser: SYSTEM_USER,
    toUser,
    ...(callId === undefined ? {} : { callId }),
    msg: sentence(code, peer),
    code,
  };
}

/** A hangup the server sends itself (fromUser "system"), whose sentence names `peer`. */
function systemHangup(
  toUser: string,
  code: HangupCode,
  peer: string,
  callId: string,
): HangupMessage {
  return { type: 'hangup', fromUser: SYSTEM_USER, toUser, callId, code, msg: sentence(code, peer) };
}

/** A hangup on behalf of the peer `fromUser`, whose name the sentence carries. */
function peerHangup(
  fromUser: string,
  toUser: string,
  code: HangupCode,
  callId: string,
): HangupMessage {
  return { type: 'hangup', fromUser, toUser, callId, code, msg: sentence(code, fromUser) };
}

/** A refused request, answered to the sender only; the sentence names `peer`. */
function errorReply(toUser: string, code: ErrorCode, peer: string, callId?: string): ErrorMessage {
  return {
    type: 'error',
    fromUser: SYSTEM_USER,
    toUser,
    ...(callId === undefined ? {} : { callId }),
    code,
    msg: sentence(code, peer),
  };
}

/** Server messages with a `code` carry a readable sentence in `msg` (a rejection keeps seed's "0"). */
function assertSentences(deliveries: readonly Delivery[]): void {
  for (const { message } of deliveries) {
    if (!('code' in message) || message.code === undefined) {
      continue;
    }
    if (message.type === 'call_back' && message.code === 'rejected') {
      expect(message.msg).toBe('0');
      continue;
    }
    expect(typeof message.msg).toBe('string');
    assert.ok(message.msg.length > 1, `msg for ${message.code} is a sentence`);
    assert.match(message.msg, /[.;]/, `msg for ${message.code} reads as a sentence`);
    expect(message.msg).not.toBe(message.code);
  }
}

describe('CallMachine', () => {
  let h: Harness;
  let a1: SessionRef;
  let a2: SessionRef;
  let b1: SessionRef;
  let b2: SessionRef;
  let c1: SessionRef;

  beforeEach(() => {
    h = new Harness();
    a1 = h.connect('alice', 'a1');
    a2 = h.connect('alice', 'a2');
    b1 = h.connect('bob', 'b1');
    b2 = h.connect('bob', 'b2');
    c1 = h.connect('carol', 'c1');
    assert.deepEqual(h.take(), [], 'opening sessions outside a call sends nothing');
  });

  /** alice (a1) calls bob; both of bob's sessions ring. */
  function ring(): void {
    h.machine.start(a1, 'bob', 'ring');
    h.take();
    h.takeEvents();
  }

  /** alice (a1) calls bob, who accepts on b1. */
  function activeCall(): void {
    ring();
    h.machine.answer(b1, 'alice', true, 'call-1');
    h.take();
    h.takeEvents();
  }

  function checkSentences(): void {
    assertSentences(h.everything);
  }

  describe('call_start', () => {
    it('rings every session of the callee and tells the caller it is ringing', () => {
      h.time = T0 + 1000;
      h.machine.start(a1, 'bob', 'ring');
      const incoming = {
        type: 'call_start',
        fromUser: 'alice',
        toUser: 'bob',
        callId: 'call-1',
        msg: '1',
      };
      expect(h.take()).toStrictEqual([
        { to: 'b1', message: incoming },
        { to: 'b2', message: incoming },
        {
          to: 'a1',
          message: { type: 'ringing', fromUser: SYSTEM_USER, toUser: 'bob', callId: 'call-1' },
        },
      ]);
      expect(h.takeEvents()).toStrictEqual([
        { event: 'started', call: summary('call-1', a1, 'bob'), at: T0 + 1000 },
      ]);
      expect(h.pendingRingTimer().ms).toBe(RING_TIMEOUT_MS);
      assert.equal(h.machine.isInCall('a1'), true, 'the calling session is in the call');
      assert.equal(h.machine.isInCall('a2'), false, "the caller's other tab is not");
      assert.equal(h.machine.isInCall('b1'), false, 'ringing sessions are not bound yet');
      checkSentences();
    });

    it('answers a call to oneself with call_back code "self" and creates no call', () => {
      h.machine.start(a1, 'alice', 'ring');
      expect(h.take()).toStrictEqual([
        {
          to: 'a1',
          message: {
            type: 'call_back',
            fromUser: SYSTEM_USER,
            toUser: 'alice',
            msg: 'You cannot call yourself.',
            code: 'self',
          },
        },
      ]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.pendingTimers()).toBe(0);
      expect(h.machine.isInCall('a1')).toBe(false);
    });

    it('answers a call to a name without an account with code "unknown_user"', () => {
      h.machine.start(a1, 'nobody', 'unknown_user');
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: systemReply('alice', 'unknown_user', 'nobody') },
      ]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.pendingTimers()).toBe(0);
    });

    it('answers a call to an account with no session with code "offline", recorded as an attempt', () => {
      h.machine.start(a1, 'dave', 'ring');
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: systemReply('alice', 'offline', 'dave', 'call-1') },
      ]);
      const attempt = summary('call-1', a1, 'dave');
      expect(h.takeEvents()).toStrictEqual([
        { event: 'started', call: attempt, at: T0 },
        { event: 'ended', call: attempt, code: 'offline', at: T0 },
      ]);
      expect(h.pendingTimers()).toBe(0);
      assert.equal(h.machine.isInCall('a1'), false, 'the caller is free again');
      // ...and can call someone else straight away.
      h.machine.start(a1, 'bob', 'ring');
      expect(h.take().length).toBe(3);
    });

    it('answers a refused call exactly like an offline account, never ringing, hidden from the callee', () => {
      h.machine.start(a1, 'dave', 'ring'); // dave has no session: really offline
      const offline = h.take();
      h.takeEvents();
      // bob is online and free, but does not allow alice's call (blocked, or contacts only).
      h.machine.start(a1, 'bob', 'refused');
      const refused = h.take();
      expect(refused).toStrictEqual([
        { to: 'a1', message: systemReply('alice', 'offline', 'bob', 'call-2') },
      ]);
      // Same fields, same sentence pattern, a callId each: nothing tells the two apart.
      expect(refused.map((d) => Object.keys(d.message).sort())).toStrictEqual(
        offline.map((d) => Object.keys(d.message).sort()),
      );
      const attempt = { ...summary('call-2', a1, 'bob'), hiddenFromCallee: true };
      expect(h.takeEvents()).toStrictEqual([
        { event: 'started', call: attempt, at: T0 },
        { event: 'ended', call: attempt, code: 'offline', at: T0 },
      ]);
      expect(h.pendingTimers()).toBe(0);
      // Not "busy" either while bob is in a call: whether he is, is not alice's to know.
      h.machine.start(c1, 'bob', 'ring');
      h.take();
      h.machine.start(a1, 'bob', 'refused');
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: systemReply('alice', 'offline', 'bob', 'call-4') },
      ]);
    });

    it('does not ring a callee in do-not-disturb: recorded as missed, the caller hears "unavailable"', () => {
      h.machine.start(a1, 'bob', 'do_not_disturb');
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: systemReply('alice', 'unavailable', 'bob', 'call-1') },
      ]);
      const attempt = summary('call-1', a1, 'bob');
      expect(h.takeEvents()).toStrictEqual([
        { event: 'started', call: attempt, at: T0 },
        { event: 'ended', call: attempt, code: 'unavailable', at: T0 },
      ]);
      expect(h.pendingTimers()).toBe(0);
      expect(h.machine.isInCall('a1')).toBe(false);
    });

    it('answers "busy" when the callee is being rung by someone else', () => {
      ring();
      h.machine.start(c1, 'bob', 'ring');
      expect(h.take()).toStrictEqual([
        { to: 'c1', message: systemReply('carol', 'busy', 'bob', 'call-2') },
      ]);
      const attempt = summary('call-2', c1, 'bob');
      expect(h.takeEvents()).toStrictEqual([
        { event: 'started', call: attempt, at: T0 },
        { event: 'ended', call: attempt, code: 'busy', at: T0 },
      ]);
      // The first call is untouched: bob can still accept it.
      h.machine.answer(b2, 'alice', true);
      expect(h.take()[0]?.message.type).toBe('call_back');
    });

    it('answers "busy" when the callee is in an active call', () => {
      activeCall();
      h.machine.start(c1, 'bob', 'ring');
      expect(h.takeBySession()).toStrictEqual({
        c1: [systemReply('carol', 'busy', 'bob', 'call-2')],
      });
    });

    it('answers "busy" when the callee is itself calling someone', () => {
      ring();
      h.machine.start(c1, 'alice', 'ring');
      expect(h.takeBySession()).toStrictEqual({
        c1: [systemReply('carol', 'busy', 'alice', 'call-2')],
      });
    });

    it('answers error "already_in_call" when the caller is in a call, from any of its tabs', () => {
      activeCall();
      for (const session of [a1, a2]) {
        h.machine.start(session, 'carol', 'ring');
        expect(h.take()).toStrictEqual([
          {
            to: session.id,
            message: {
              type: 'error',
              fromUser: SYSTEM_USER,
              toUser: 'alice',
              callId: 'call-1',
              code: 'already_in_call',
              msg: 'You are already in a call.',
            },
          },
        ]);
      }
      assert.deepEqual(h.takeEvents(), [], 'a refused start is not a call attempt');
    });

    it('answers "already_in_call" to a caller whose own call is still ringing', () => {
      ring();
      h.machine.start(a1, 'carol', 'ring');
      h.machine.start(a1, 'bob', 'ring');
      const deliveries = h.take();
      expect(
        deliveries.map((d) => [d.to, d.message.type, 'code' in d.message ? d.message.code : '']),
      ).toStrictEqual([
        ['a1', 'error', 'already_in_call'],
        ['a1', 'error', 'already_in_call'],
      ]);
    });

    it('glare: the second of two crossing calls is answered "glare" and the first goes on', () => {
      h.machine.start(a1, 'bob', 'ring');
      h.take();
      h.takeEvents();
      // bob dials alice while alice's call to bob is ringing on his sessions.
      h.machine.start(b1, 'alice', 'ring');
      expect(h.take()).toStrictEqual([
        { to: 'b1', message: systemReply('bob', 'glare', 'alice', 'call-1') },
      ]);
      assert.deepEqual(h.takeEvents(), [], 'no second call is started');
      assert.equal(h.pendingTimers(), 1, 'one ring timer: one call');
      // Exactly one call exists, and bob can still accept it.
      h.machine.answer(b1, 'alice', true, 'call-1');
      expect(h.takeBySession()).toStrictEqual({
        a1: [accepted('bob', 'alice', 'call-1')],
        b2: [systemHangup('bob', 'answered_elsewhere', 'alice', 'call-1')],
      });
      expect(h.takeEvents().map((e) => [e.event, e.call.id])).toStrictEqual([
        ['answered', 'call-1'],
      ]);
      checkSentences();
    });

    it('glare is told from any of the callee tabs', () => {
      ring();
      h.machine.start(b2, 'alice', 'ring');
      const [reply] = h.take();
      expect(reply?.to).toBe('b2');
      expect(reply.message.type).toBe('call_back');
      expect('code' in reply.message && reply.message.code).toBe('glare');
    });

    it('a session the callee opens while ringing rings too; one opened later does not', () => {
      ring();
      const b3 = h.connect('bob', 'b3');
      expect(h.take()).toStrictEqual([
        { to: 'b3', message: incomingCall('alice', 'bob', 'call-1') },
      ]);
      // It can answer, like the others.
      h.machine.answer(b3, 'alice', true);
      const told = h.takeBySession();
      expect(Object.keys(told).sort()).toStrictEqual(['a1', 'b1', 'b2']);
      h.connect('bob', 'b4');
      h.connect('alice', 'a3');
      assert.deepEqual(h.take(), [], 'sessions opened during an active call are not rung');
    });

    it('a new session of the caller does not ring', () => {
      ring();
      h.connect('alice', 'a3');
      expect(h.take()).toStrictEqual([]);
    });
  });

  describe('call_back', () => {
    it('"1" binds the answering session, tells the caller, and stops the other tabs', () => {
      ring();
      h.time = T0 + 5000;
      h.machine.answer(b2, 'alice', true, 'call-1');
      expect(h.takeBySession()).toStrictEqual({
        a1: [accepted('bob', 'alice', 'call-1')],
        b1: [systemHangup('bob', 'answered_elsewhere', 'alice', 'call-1')],
      });
      expect(h.takeEvents()).toStrictEqual([
        { event: 'answered', call: summary('call-1', a1, 'bob', 'b2'), at: T0 + 5000 },
      ]);
      assert.equal(h.pendingTimers(), 0, 'the ring timer is cleared');
      expect(h.machine.isInCall('b2')).toBe(true);
      expect(h.machine.isInCall('b1')).toBe(false);
      checkSentences();
    });

    it('"1" without a callId is accepted (seed 002 clients send none)', () => {
      ring();
      h.machine.answer(b1, 'alice', true);
      expect(h.takeBySession().a1?.[0]?.type).toBe('call_back');
      expect(h.machine.isInCall('b1')).toBe(true);
    });

    it('"0" rejects: the caller gets msg "0" code "rejected", the other tabs stop ringing', () => {
      ring();
      h.time = T0 + 2000;
      h.machine.answer(b1, 'alice', false, 'call-1');
      expect(h.takeBySession()).toStrictEqual({
        a1: [rejected('bob', 'alice', 'call-1')],
        b2: [systemHangup('bob', 'rejected_elsewhere', 'alice', 'call-1')],
      });
      expect(h.takeEvents()).toStrictEqual([
        { event: 'ended', call: summary('call-1', a1, 'bob'), code: 'rejected', at: T0 + 2000 },
      ]);
      expect(h.pendingTimers()).toBe(0);
      expect(h.machine.isInCall('a1')).toBe(false);
      // Both are free: a late accept from the other tab is refused, and a new call rings.
      h.machine.answer(b2, 'alice', true);
      expect(h.takeBySession().b2?.[0]?.type).toBe('error');
      h.machine.start(b1, 'alice', 'ring');
      expect(h.takeBySession().a1?.[0]?.type).toBe('call_start');
      checkSentences();
    });

    it('is refused with "not_in_call" from anyone but the rung callee, and changes nothing', () => {
      ring();
      const refused: [SessionRef, string, string | undefined][] = [
        [c1, 'alice', undefined], // not part of the call
        [a2, 'bob', undefined], // the caller cannot answer its own call
        [a1, 'bob', 'call-1'],
        [b1, 'carol', undefined], // wrong toUser
        [b1, 'alice', 'call-9'], // wrong callId
      ];
      for (const [session, toUser, callId] of refused) {
        h.machine.answer(session, toUser, true, callId);
        expect(h.take()).toStrictEqual([
          { to: session.id, message: errorReply(session.username, 'not_in_call', toUser, callId) },
        ]);
      }
      expect(h.takeEvents()).toStrictEqual([]);
      // Still ringing: the real callee can answer.
      h.machine.answer(b1, 'alice', true, 'call-1');
      expect(h.takeBySession().a1?.[0]?.type).toBe('call_back');
    });

    it('is refused once the call is active (a second accept from another tab)', () => {
      activeCall();
      h.machine.answer(b2, 'alice', true);
      expect(h.takeBySession()).toStrictEqual({
        b2: [errorReply('bob', 'not_in_call', 'alice')],
      });
      // The call is still bound to b1.
      expect(h.machine.isInCall('b1')).toBe(true);
      expect(h.machine.isInCall('b2')).toBe(false);
    });
  });

  describe('offer / answer / _ice relay', () => {
    const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n';
    const iceCandidate = {
      candidate: 'candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };

    it('relays between the two bound sessions both ways, stamping fromUser', () => {
      activeCall();
      h.machine.relay(a1, { type: 'offer', toUser: 'bob', sdp });
      h.machine.relay(b1, { type: 'answer', toUser: 'alice', sdp, callId: 'call-1' });
      h.machine.relay(a1, { type: '_ice', toUser: 'bob', iceCandidate });
      h.machine.relay(b1, { type: '_ice', toUser: 'alice', iceCandidate, callId: 'call-1' });
      const envelope = (from: string, to: string) => ({
        fromUser: from,
        toUser: to,
        callId: 'call-1',
      });
      expect(h.take()).toStrictEqual([
        { to: 'b1', message: { type: 'offer', ...envelope('alice', 'bob'), sdp } },
        { to: 'a1', message: { type: 'answer', ...envelope('bob', 'alice'), sdp } },
        { to: 'b1', message: { type: '_ice', ...envelope('alice', 'bob'), iceCandidate } },
        { to: 'a1', message: { type: '_ice', ...envelope('bob', 'alice'), iceCandidate } },
      ]);
      assert.deepEqual(h.takeEvents(), [], 'relayed messages are not state changes');
    });

    it('relays media_state between the two bound sessions, and only them', () => {
      activeCall();
      h.machine.relay(b1, { type: 'media_state', toUser: 'alice', audio: false, video: true });
      h.machine.relay(a1, { type: 'media_state', toUser: 'bob', audio: true, video: false });
      expect(h.take()).toStrictEqual([
        {
          to: 'a1',
          message: {
            type: 'media_state',
            fromUser: 'bob',
            toUser: 'alice',
            callId: 'call-1',
            audio: false,
            video: true,
          },
        },
        {
          to: 'b1',
          message: {
            type: 'media_state',
            fromUser: 'alice',
            toUser: 'bob',
            callId: 'call-1',
            audio: true,
            video: false,
          },
        },
      ]);
      for (const session of [b2, a2, c1]) {
        h.machine.relay(session, {
          type: 'media_state',
          toUser: 'alice',
          audio: true,
          video: true,
        });
      }
      expect(h.take().map((d) => [d.to, d.message.type])).toStrictEqual([
        ['b2', 'error'],
        ['a2', 'error'],
        ['c1', 'error'],
      ]);
      assert.deepEqual(h.takeEvents(), [], 'media states are not call state changes');
    });

    it('passes the SDP through untouched', () => {
      activeCall();
      const odd = 'not really an SDP \u2603 "quoted" \\ \n';
      h.machine.relay(a1, { type: 'offer', toUser: 'bob', sdp: odd });
      const [delivery] = h.take();
      expect(delivery?.message.type === 'offer' && delivery.message.sdp).toBe(odd);
    });

    it('refuses with "not_in_call" and delivers nothing outside the bound pair', () => {
      activeCall();
      const attempts: [SessionRef, string, string | undefined][] = [
        [c1, 'bob', undefined], // a third user
        [c1, 'alice', undefined],
        [b2, 'alice', undefined], // bob's unbound tab
        [a2, 'bob', undefined], // alice's unbound tab
        [a1, 'carol', undefined], // the bound session, addressed to someone else
        [a1, 'alice', undefined], // ...or to itself
        [a1, 'bob', 'call-9'], // the wrong callId
      ];
      for (const [session, toUser, callId] of attempts) {
        const id = callId === undefined ? {} : { callId };
        for (const type of ['offer', 'answer'] as const) {
          h.machine.relay(session, { type, toUser, sdp, ...id });
        }
        h.machine.relay(session, { type: '_ice', toUser, iceCandidate, ...id });
        const deliveries = h.take();
        expect(deliveries.length).toBe(3);
        for (const delivery of deliveries) {
          assert.equal(delivery.to, session.id, 'only the sender hears back');
          expect(delivery.message.type).toBe('error');
          expect('code' in delivery.message && delivery.message.code).toBe('not_in_call');
          expect('msg' in delivery.message && delivery.message.msg).toBe(
            `You are not in a call with ${toUser}.`,
          );
        }
      }
      checkSentences();
    });

    it('refuses while the call is still ringing, from either side', () => {
      ring();
      h.machine.relay(a1, { type: 'offer', toUser: 'bob', sdp });
      h.machine.relay(b1, { type: '_ice', toUser: 'alice', iceCandidate });
      expect(h.take().map((d) => [d.to, d.message.type])).toStrictEqual([
        ['a1', 'error'],
        ['b1', 'error'],
      ]);
    });

    it('refuses with no call at all, and after the call ended', () => {
      h.machine.relay(a1, { type: 'offer', toUser: 'bob', sdp });
      expect(h.take().map((d) => [d.to, d.message.type])).toStrictEqual([['a1', 'error']]);
      activeCall();
      h.machine.hangup(a1, 'bob');
      h.take();
      h.machine.relay(b1, { type: 'answer', toUser: 'alice', sdp });
      expect(h.take().map((d) => [d.to, d.message.type])).toStrictEqual([['b1', 'error']]);
    });
  });

  describe('hangup', () => {
    it('from the caller while ringing cancels: every callee session is told "cancelled"', () => {
      ring();
      h.time = T0 + 3000;
      h.machine.hangup(a1, 'bob');
      const cancelled = peerHangup('alice', 'bob', 'cancelled', 'call-1');
      expect(h.takeBySession()).toStrictEqual({ b1: [cancelled], b2: [cancelled] });
      expect(h.takeEvents()).toStrictEqual([
        { event: 'ended', call: summary('call-1', a1, 'bob'), code: 'cancelled', at: T0 + 3000 },
      ]);
      expect(h.pendingTimers()).toBe(0);
      expect(h.machine.isInCall('a1')).toBe(false);
    });

    it("from the caller's other tab while ringing is a silent no-op", () => {
      ring();
      h.machine.hangup(a2, 'bob');
      expect(h.take()).toStrictEqual([]);
      expect(h.takeEvents()).toStrictEqual([]);
      h.machine.answer(b1, 'alice', true);
      assert.equal(h.takeBySession().a1?.[0]?.type, 'call_back', 'the call still rings');
    });

    it('from a callee session while ringing rejects, as call_back "0" does', () => {
      ring();
      h.machine.hangup(b2, 'alice');
      expect(h.takeBySession()).toStrictEqual({
        a1: [rejected('bob', 'alice', 'call-1')],
        b1: [systemHangup('bob', 'rejected_elsewhere', 'alice', 'call-1')],
      });
      expect(h.takeEvents().map((e) => [e.event, e.event === 'ended' ? e.code : ''])).toStrictEqual(
        [['ended', 'rejected']],
      );
    });

    it('from a bound session ends an active call: the peer gets code "hangup"', () => {
      activeCall();
      h.time = T0 + 60_000;
      h.machine.hangup(b1, 'alice');
      expect(h.take()).toStrictEqual([
        {
          to: 'a1',
          message: {
            type: 'hangup',
            fromUser: 'bob',
            toUser: 'alice',
            callId: 'call-1',
            code: 'hangup',
            msg: 'bob hung up.',
          },
        },
      ]);
      expect(h.takeEvents()).toStrictEqual([
        {
          event: 'ended',
          call: summary('call-1', a1, 'bob', 'b1'),
          code: 'hangup',
          at: T0 + 60_000,
        },
      ]);
      expect(h.machine.isInCall('a1')).toBe(false);
      expect(h.machine.isInCall('b1')).toBe(false);
      // The peer's echo (seed clients answer a hangup with one) is a silent no-op.
      h.machine.hangup(a1, 'bob');
      expect(h.take()).toStrictEqual([]);
      expect(h.takeEvents()).toStrictEqual([]);
    });

    for (const code of ['ice_failed', 'media_failed'] as const) {
      it(`passes the client's code "${code}" to the peer with a readable msg`, () => {
        activeCall();
        h.machine.hangup(a1, 'bob', code);
        expect(h.take()).toStrictEqual([
          { to: 'b1', message: peerHangup('alice', 'bob', code, 'call-1') },
        ]);
        expect(h.takeEvents().map((e) => (e.event === 'ended' ? e.code : e.event))).toStrictEqual([
          code,
        ]);
        checkSentences();
      });
    }

    it('from a session that is not part of the call sends nothing at all', () => {
      // No call at all.
      h.machine.hangup(c1, 'alice');
      h.machine.hangup(a1, 'bob');
      expect(h.take()).toStrictEqual([]);
      activeCall();
      // Another tab of a user whose call is bound elsewhere, a third user, and the wrong toUser.
      h.machine.hangup(b2, 'alice');
      h.machine.hangup(a2, 'bob');
      h.machine.hangup(c1, 'alice');
      h.machine.hangup(c1, 'bob');
      h.machine.hangup(a1, 'carol');
      expect(h.take()).toStrictEqual([]);
      expect(h.takeEvents()).toStrictEqual([]);
      // The call is unaffected.
      h.machine.relay(a1, { type: 'offer', toUser: 'bob', sdp: 'v=0' });
      expect(h.take().map((d) => [d.to, d.message.type])).toStrictEqual([['b1', 'offer']]);
    });
    it('naming another callId (a late hangup of an ended call) leaves the current call alone', () => {
      activeCall();
      h.machine.hangup(a1, 'bob', 'hangup', 'call-0');
      expect(h.take()).toStrictEqual([]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.machine.isInCall('a1')).toBe(true);
    });
  });

  describe('ring timeout', () => {
    it('tells the caller "no_answer" and every callee session "missed"', () => {
      ring();
      const timer = h.pendingRingTimer();
      expect(timer.ms).toBe(RING_TIMEOUT_MS);
      h.time = T0 + RING_TIMEOUT_MS;
      timer.callback();
      const missed = systemHangup('bob', 'missed', 'alice', 'call-1');
      expect(h.takeBySession()).toStrictEqual({
        a1: [systemReply('alice', 'no_answer', 'bob', 'call-1')],
        b1: [missed],
        b2: [missed],
      });
      expect(h.takeEvents()).toStrictEqual([
        {
          event: 'ended',
          call: summary('call-1', a1, 'bob'),
          code: 'no_answer',
          at: T0 + RING_TIMEOUT_MS,
        },
      ]);
      // A late accept finds no call.
      h.machine.answer(b1, 'alice', true);
      expect(h.takeBySession().b1?.[0]?.type).toBe('error');
      checkSentences();
    });

    it('a timer that fires after the call was answered or ended does nothing', () => {
      ring();
      const timer = h.pendingRingTimer();
      h.machine.answer(b1, 'alice', true);
      expect(timer.cleared).toBe(true);
      h.take();
      h.takeEvents();
      timer.callback();
      expect(h.take()).toStrictEqual([]);
      expect(h.takeEvents()).toStrictEqual([]);
      h.machine.hangup(a1, 'bob');
      h.take();
      timer.callback();
      expect(h.take()).toStrictEqual([]);
    });
  });

  describe('sessions closing', () => {
    it('a bound callee session that closes: the caller gets "disconnected"', () => {
      activeCall();
      h.disconnect(b1);
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: peerHangup('bob', 'alice', 'disconnected', 'call-1') },
      ]);
      expect(h.takeEvents().map((e) => (e.event === 'ended' ? e.code : e.event))).toStrictEqual([
        'disconnected',
      ]);
      expect(h.machine.isInCall('a1')).toBe(false);
    });

    it('a bound caller session that closes: the callee gets "disconnected"', () => {
      activeCall();
      h.disconnect(a1);
      expect(h.takeBySession()).toStrictEqual({
        b1: [peerHangup('alice', 'bob', 'disconnected', 'call-1')],
      });
    });

    it('an unbound tab that closes mid-call changes nothing', () => {
      activeCall();
      h.disconnect(b2);
      h.disconnect(a2);
      expect(h.take()).toStrictEqual([]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.machine.isInCall('a1')).toBe(true);
    });

    it('the callee\'s last session closing while ringing: the caller gets "offline"', () => {
      ring();
      h.disconnect(b1);
      assert.deepEqual(h.take(), [], 'bob still has a session ringing');
      h.disconnect(b2);
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: systemReply('alice', 'offline', 'bob', 'call-1') },
      ]);
      expect(h.takeEvents().map((e) => (e.event === 'ended' ? e.code : e.event))).toStrictEqual([
        'offline',
      ]);
      expect(h.pendingTimers()).toBe(0);
    });

    it("the caller's session closing while ringing stops the callee's sessions", () => {
      ring();
      h.disconnect(a2);
      assert.deepEqual(h.take(), [], "the caller's other tab does not matter");
      h.disconnect(a1);
      const told = h.takeBySession();
      expect(Object.keys(told).sort()).toStrictEqual(['b1', 'b2']);
      for (const messages of Object.values(told)) {
        expect(messages.length).toBe(1);
        expect(messages[0]?.type).toBe('hangup');
        expect(messages[0].type === 'hangup' && messages[0].code).toBe('disconnected');
      }
      expect(h.takeEvents().map((e) => (e.event === 'ended' ? e.code : e.event))).toStrictEqual([
        'disconnected',
      ]);
      expect(h.pendingTimers()).toBe(0);
    });

    it('a session outside any call closing sends nothing', () => {
      h.disconnect(c1);
      ring();
      h.disconnect(h.connect('carol', 'c2'));
      expect(h.take()).toStrictEqual([]);
    });
  });

  describe('a v2 session away in its resume window', () => {
    function peerStatus(
      fromUser: string,
      toUser: string,
      status: 'reconnecting' | 'connected',
    ): ServerMessage {
      return { type: 'peer_status', fromUser, toUser, callId: 'call-1', status };
    }

    it('tells the peer of an active call that it is reconnecting, then connected', () => {
      activeCall();
      h.machine.sessionAway(b1);
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: peerStatus('bob', 'alice', 'reconnecting') },
      ]);
      h.machine.sessionBack(b1);
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: peerStatus('bob', 'alice', 'connected') },
      ]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.machine.isInCall('b1')).toBe(true);
    });

    it('keeps the call: relays to the away session are accepted (the gateway buffers them)', () => {
      activeCall();
      h.machine.sessionAway(a1);
      h.take();
      h.machine.relay(b1, { type: 'answer', toUser: 'alice', sdp: 'v=0 answer' });
      expect(h.take()).toStrictEqual([
        {
          to: 'a1',
          message: {
            type: 'answer',
            fromUser: 'bob',
            toUser: 'alice',
            callId: 'call-1',
            sdp: 'v=0 answer',
          },
        },
      ]);
    });

    it('keeps its user busy for others', () => {
      activeCall();
      h.machine.sessionAway(b1);
      h.take();
      h.machine.start(c1, 'bob', 'ring');
      expect(h.take()).toStrictEqual([
        { to: 'c1', message: systemReply('carol', 'busy', 'bob', 'call-2') },
      ]);
    });

    it('a caller away while ringing keeps ringing; answering then tells the callee it is away', () => {
      ring();
      h.machine.sessionAway(a1);
      expect(h.take()).toStrictEqual([]);
      expect(h.pendingRingTimer().cleared).toBe(false);
      h.machine.answer(b2, 'alice', true, 'call-1');
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: accepted('bob', 'alice', 'call-1') },
        { to: 'b1', message: systemHangup('bob', 'answered_elsewhere', 'alice', 'call-1') },
        { to: 'b2', message: peerStatus('alice', 'bob', 'reconnecting') },
      ]);
      h.machine.sessionBack(a1);
      expect(h.take()).toStrictEqual([
        { to: 'b2', message: peerStatus('alice', 'bob', 'connected') },
      ]);
    });

    it('a callee whose only session is away is still rung (the call_start waits for its resume)', () => {
      h.disconnect(b2);
      h.machine.sessionAway(b1);
      h.machine.start(a1, 'bob', 'ring');
      expect(h.takeBySession()).toStrictEqual({
        b1: [incomingCall('alice', 'bob', 'call-1')],
        a1: [{ type: 'ringing', fromUser: SYSTEM_USER, toUser: 'bob', callId: 'call-1' }],
      });
      // The window ends without a resume: today's rule, the caller hears "offline".
      h.disconnect(b1);
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: systemReply('alice', 'offline', 'bob', 'call-1') },
      ]);
    });

    it('when the window ends, today\'s rules apply: the peer hears "disconnected", once', () => {
      activeCall();
      h.machine.sessionAway(b1);
      h.take();
      h.disconnect(b1);
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: peerHangup('bob', 'alice', 'disconnected', 'call-1') },
      ]);
      expect(h.takeEvents().map((e) => (e.event === 'ended' ? e.code : e.event))).toStrictEqual([
        'disconnected',
      ]);
      h.machine.sessionBack(b1);
      expect(h.take()).toStrictEqual([]);
    });

    it('a takeover (resume while the old socket looked open) tells the peer nothing', () => {
      activeCall();
      h.machine.sessionBack(b1);
      expect(h.take()).toStrictEqual([]);
    });

    it('describes its call from its own side for `resumed`', () => {
      expect(h.machine.callOf(a1)).toBe(null);
      ring();
      const ringing = { callId: 'call-1', state: 'ringing', peer: 'bob' };
      expect(h.machine.callOf(a1)).toStrictEqual({ ...ringing, role: 'caller' });
      expect(h.machine.callOf(a2)).toBe(null);
      expect(h.machine.callOf(b2)).toStrictEqual({ ...ringing, peer: 'alice', role: 'callee' });
      h.machine.answer(b1, 'alice', true, 'call-1');
      expect(h.machine.callOf(b1)).toStrictEqual({
        callId: 'call-1',
        state: 'active',
        peer: 'alice',
        role: 'callee',
      });
      expect(h.machine.callOf(b2)).toBe(null);
      expect(h.machine.callOf(c1)).toBe(null);
    });
  });

  describe('shutdown', () => {
    it('tells everyone in a call "server_shutdown" and ends every call', () => {
      activeCall();
      const d1 = h.connect('dave', 'd1');
      const e1 = h.connect('erin', 'e1');
      const e2 = h.connect('erin', 'e2');
      h.machine.start(d1, 'erin', 'ring');
      h.take();
      h.takeEvents();
      h.time = T0 + 90_000;
      h.machine.shutdown();
      const told = h.takeBySession();
      expect(Object.keys(told).sort()).toStrictEqual(['a1', 'b1', 'd1', 'e1', 'e2']);
      for (const [sessionId, messages] of Object.entries(told)) {
        assert.equal(messages.length, 1, sessionId);
        const message = messages[0];
        expect(message?.type).toBe('hangup');
        expect(message.type === 'hangup' && message.code).toBe('server_shutdown');
        expect(message.type === 'hangup' && message.fromUser).toBe(SYSTEM_USER);
        expect(message.type === 'hangup' && message.msg).toBe(
          'The server is restarting; please call again in a moment.',
        );
      }
      expect(
        h.takeEvents().map((e) => [e.event, e.call.id, e.event === 'ended' ? e.code : '', e.at]),
      ).toStrictEqual([
        ['ended', 'call-1', 'server_shutdown', T0 + 90_000],
        ['ended', 'call-2', 'server_shutdown', T0 + 90_000],
      ]);
      expect(h.pendingTimers()).toBe(0);
      for (const session of [a1, b1, d1, e1, e2]) {
        expect(h.machine.isInCall(session.id)).toBe(false);
      }
      checkSentences();
    });
  });

  describe('observer', () => {
    it('hears started, answered and ended once each for the seed 002 sequence, never for relays', () => {
      h.time = T0 + 1;
      h.machine.start(a1, 'bob', 'ring');
      h.time = T0 + 2;
      h.machine.answer(b1, 'alice', true);
      h.time = T0 + 3;
      h.machine.relay(a1, { type: 'offer', toUser: 'bob', sdp: 'o' });
      h.machine.relay(b1, { type: 'answer', toUser: 'alice', sdp: 'a' });
      for (let i = 0; i < 10; i++) {
        h.machine.relay(a1, { type: '_ice', toUser: 'bob', iceCandidate: { candidate: `${i}` } });
        h.machine.relay(b1, { type: '_ice', toUser: 'alice', iceCandidate: { candidate: `${i}` } });
      }
      h.time = T0 + 4;
      h.machine.hangup(a1, 'bob');
      h.machine.hangup(b1, 'alice');
      expect(h.takeEvents()).toStrictEqual([
        { event: 'started', call: summary('call-1', a1, 'bob'), at: T0 + 1 },
        { event: 'answered', call: summary('call-1', a1, 'bob', 'b1'), at: T0 + 2 },
        {
          event: 'ended',
          call: summary('call-1', a1, 'bob', 'b1'),
          code: 'hangup',
          at: T0 + 4,
        },
      ]);
      const types = h.take().map((d) => `${d.to}:${d.message.type}`);
      expect(types).toStrictEqual([
        'b1:call_start',
        'b2:call_start',
        'a1:ringing',
        'a1:call_back',
        'b2:hangup',
        'b1:offer',
        'a1:answer',
        ...Array.from({ length: 10 }, () => ['b1:_ice', 'a1:_ice']).flat(),
        'b1:hangup',
      ]);
    });

    it('an observer hears only the events it has (SessionExpiry: ended; the limiter: no started)', () => {
      const seen: string[] = [];
      const machine = new CallMachine({
        outbox: h,
        directory: h,
        timers: h,
        observers: [
          { callEnded: (call, code) => seen.push(`ended ${call.id} ${code}`) },
          { callStarted: (call) => seen.push(`started ${call.id}`) },
        ],
        ringTimeoutMs: RING_TIMEOUT_MS,
        newCallId: () => `x${seen.length}`,
      });
      machine.start(a1, 'bob', 'ring');
      machine.answer(b1, 'alice', true);
      machine.hangup(a1, 'bob');
      machine.start(c1, 'dave', 'ring'); // dave has no session: an attempt
      expect(seen).toStrictEqual([
        'started x0',
        'ended x0 hangup',
        'started x2',
        'ended x2 offline',
      ]);
      expect(h.take().map((d) => `${d.to}:${d.message.type}`)).toContain('a1:call_back');
    });

    it('without a clock of its own, it stamps events with the time they happen', () => {
      const stamps: Date[] = [];
      const machine = new CallMachine({
        outbox: h,
        directory: h,
        timers: h,
        observers: [{ callStarted: (_call, at) => stamps.push(at) }],
        ringTimeoutMs: RING_TIMEOUT_MS,
      });
      const before = Date.now();
      machine.start(a1, 'bob', 'ring');
      const after = Date.now();
      expect(stamps).toHaveLength(1);
      expect(stamps[0]).toBeInstanceOf(Date);
      expect(stamps[0].getTime()).toBeGreaterThanOrEqual(before);
      expect(stamps[0].getTime()).toBeLessThanOrEqual(after);
    });

    it('every observer is told, in order', () => {
      const seen: string[] = [];
      const machine = new CallMachine({
        outbox: h,
        directory: h,
        timers: h,
        observers: [
          { callStarted: (call) => seen.push(`first started ${call.id}`) },
          {
            callStarted: (call) => seen.push(`second started ${call.id}`),
            callEnded: (call, code) => seen.push(`second ended ${call.id} ${code}`),
          },
        ],
        ringTimeoutMs: RING_TIMEOUT_MS,
        newCallId: () => 'x',
      });
      machine.start(a1, 'bob', 'ring');
      machine.hangup(a1, 'bob');
      expect(seen).toStrictEqual([
        'first started x',
        'second started x',
        'second ended x cancelled',
      ]);
    });
  });

  describe('rules a mutation run found untested', () => {
    it('a callee being rung who dials a third user hears "already_in_call", not "glare"', () => {
      ring();
      h.machine.start(b1, 'carol', 'ring');
      expect(h.take()).toStrictEqual([
        { to: 'b1', message: errorReply('bob', 'already_in_call', 'carol', 'call-1') },
      ]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.pendingTimers()).toBe(1);
    });

    it('the caller cannot answer its own ringing call, from any tab', () => {
      ring();
      for (const session of [a1, a2]) {
        h.machine.answer(session, 'alice', true, 'call-1');
        h.machine.answer(session, 'bob', true, 'call-1');
      }
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: errorReply('alice', 'not_in_call', 'alice', 'call-1') },
        { to: 'a1', message: errorReply('alice', 'not_in_call', 'bob', 'call-1') },
        { to: 'a2', message: errorReply('alice', 'not_in_call', 'alice', 'call-1') },
        { to: 'a2', message: errorReply('alice', 'not_in_call', 'bob', 'call-1') },
      ]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.machine.isInCall('a2')).toBe(false);
      expect(h.machine.census()).toStrictEqual({ ringing: 1, active: 0 });
    });

    it("a hangup naming the call's own callId ends it, while ringing and once active", () => {
      ring();
      h.machine.hangup(a1, 'bob', 'hangup', 'call-1');
      const cancelled = peerHangup('alice', 'bob', 'cancelled', 'call-1');
      expect(h.takeBySession()).toStrictEqual({ b1: [cancelled], b2: [cancelled] });
      h.machine.start(a1, 'bob', 'ring');
      h.machine.answer(b1, 'alice', true, 'call-2');
      h.take();
      h.machine.hangup(b1, 'alice', 'ice_failed', 'call-2');
      expect(h.take()).toStrictEqual([
        { to: 'a1', message: peerHangup('bob', 'alice', 'ice_failed', 'call-2') },
      ]);
      expect(h.machine.census()).toStrictEqual({ ringing: 0, active: 0 });
    });

    it('a ring timer that fires after its call was cancelled does nothing', () => {
      ring();
      const timer = h.pendingRingTimer();
      h.machine.hangup(a1, 'bob');
      h.take();
      h.takeEvents();
      timer.callback();
      expect(h.take()).toStrictEqual([]);
      expect(h.takeEvents()).toStrictEqual([]);
    });

    it("an old call's ring timer does not end the next call between the same users", () => {
      ring();
      const first = h.pendingRingTimer();
      h.machine.hangup(a1, 'bob');
      h.machine.start(a1, 'bob', 'ring');
      h.take();
      h.takeEvents();
      first.callback();
      expect(h.take()).toStrictEqual([]);
      expect(h.machine.census()).toStrictEqual({ ringing: 1, active: 0 });
    });

    it('census counts ringing and active calls, and forgets ended ones', () => {
      expect(h.machine.census()).toStrictEqual({ ringing: 0, active: 0 });
      activeCall();
      expect(h.machine.census()).toStrictEqual({ ringing: 0, active: 1 });
      const d1 = h.connect('dave', 'd1');
      h.connect('erin', 'e1');
      h.machine.start(d1, 'erin', 'ring');
      expect(h.machine.census()).toStrictEqual({ ringing: 1, active: 1 });
      h.machine.hangup(a1, 'bob');
      expect(h.machine.census()).toStrictEqual({ ringing: 1, active: 0 });
      h.machine.hangup(d1, 'erin');
      expect(h.machine.census()).toStrictEqual({ ringing: 0, active: 0 });
    });

    it('refuse answers only the caller, with no callId, and creates no call', () => {
      h.machine.refuse(a1, 'bob', { reason: 'declined_recently', retryAfter: 8 });
      expect(h.take()).toStrictEqual([
        {
          to: 'a1',
          message: {
            type: 'call_back',
            fromUser: SYSTEM_USER,
            toUser: 'alice',
            msg: sentence('rate_limited', 'bob'),
            code: 'rate_limited',
            retryAfter: 8,
            reason: 'declined_recently',
          },
        },
      ]);
      expect(h.takeEvents()).toStrictEqual([]);
      expect(h.pendingTimers()).toBe(0);
      expect(h.machine.census()).toStrictEqual({ ringing: 0, active: 0 });
    });
  });

  describe('call waiting (issue 20)', () => {
    let w: Harness;
    let alice: SessionRef;
    let bob: SessionRef;
    let bobPhone: SessionRef;
    let carol: SessionRef;
    let dave: SessionRef;

    /** alice and bob talk (call-1, bob on his v2 laptop); carol rings bob while they do (call-2). */
    beforeEach(() => {
      w = new Harness();
      alice = w.connect('alice', 'a', 2);
      bob = w.connect('bob', 'b', 2);
      bobPhone = w.connect('bob', 'bp', 2);
      carol = w.connect('carol', 'c', 2);
      dave = w.connect('dave', 'd', 2);
      w.machine.start(alice, 'bob', 'ring');
      w.machine.answer(bob, 'alice', true, 'call-1');
      w.take();
      w.takeEvents();
      w.machine.start(carol, 'bob', 'ring');
    });

    function waitingCall(): IncomingCallMessage {
      return { ...incomingCall('carol', 'bob', 'call-2'), waiting: true };
    }

    it('rings only the session bob talks on, with waiting; carol hears ringing; the call is recorded', () => {
      expect(w.takeBySession()).toStrictEqual({
        b: [waitingCall()],
        c: [{ type: 'ringing', fromUser: SYSTEM_USER, toUser: 'bob', callId: 'call-2' }],
      });
      expect(w.takeEvents()).toStrictEqual([
        { event: 'started', call: summary('call-2', carol, 'bob'), at: T0 },
      ]);
      expect(w.machine.census()).toStrictEqual({ ringing: 1, active: 1 });
      expect(w.machine.isInCall('c')).toBe(true);
      expect(w.machine.isInCall('b')).toBe(true);
    });

    it('a third caller hears busy: one waiting call at a time', () => {
      w.take();
      w.takeEvents();
      w.machine.start(dave, 'bob', 'ring');
      expect(w.takeBySession()).toStrictEqual({
        d: [systemReply('dave', 'busy', 'bob', 'call-3')],
      });
    });

    it('End & accept: alice hears switched, carol is accepted, bob talks to carol', () => {
      w.take();
      w.takeEvents();
      w.machine.answer(bob, 'carol', true, 'call-2');
      expect(w.takeBySession()).toStrictEqual({
        a: [peerHangup('bob', 'alice', 'switched', 'call-1')],
        c: [accepted('bob', 'carol', 'call-2')],
        bp: [systemHangup('bob', 'answered_elsewhere', 'carol', 'call-2')],
      });
      expect(w.takeEvents()).toStrictEqual([
        { event: 'ended', call: summary('call-1', alice, 'bob', 'b'), code: 'switched', at: T0 },
        { event: 'answered', call: summary('call-2', carol, 'bob', 'b'), at: T0 },
      ]);
      expect(w.machine.isInCall('a')).toBe(false);
      expect(w.pendingTimers()).toBe(0);
      w.machine.relay(bob, { type: 'offer', toUser: 'carol', sdp: 'x' });
      expect(w.takeBySession()).toStrictEqual({
        c: [{ type: 'offer', fromUser: 'bob', toUser: 'carol', callId: 'call-2', sdp: 'x' }],
      });
      w.machine.relay(alice, { type: 'offer', toUser: 'bob', sdp: 'x' });
      expect(w.takeBySession()).toStrictEqual({ a: [errorReply('alice', 'not_in_call', 'bob')] });
      // bob's call is now the one with carol: his hang-up reaches her.
      w.machine.hangup(bob, 'carol');
      expect(w.takeBySession()).toStrictEqual({
        c: [peerHangup('bob', 'carol', 'hangup', 'call-2')],
      });
      // alice is free again: dave can ring her as any call.
      w.machine.start(dave, 'alice', 'ring');
      expect(w.take().map((d) => d.to)).toStrictEqual(['a', 'd']);
    });

    it('a decline (call_back 0 or a hangup naming carol) ends only the waiting call', () => {
      w.take();
      w.takeEvents();
      w.machine.answer(bob, 'carol', false, 'call-2');
      expect(w.takeBySession()).toStrictEqual({ c: [rejected('bob', 'carol', 'call-2')] });
      expect(w.takeEvents()).toStrictEqual([
        { event: 'ended', call: summary('call-2', carol, 'bob'), code: 'rejected', at: T0 },
      ]);
      // Nothing waits on bob any more: carol can wait again.
      w.machine.start(carol, 'bob', 'ring');
      expect(w.takeBySession()).toMatchObject({ b: [{ callId: 'call-3', waiting: true }] });
      w.machine.hangup(bob, 'carol');
      expect(w.takeBySession()).toStrictEqual({ c: [rejected('bob', 'carol', 'call-3')] });
      w.machine.relay(alice, { type: 'offer', toUser: 'bob', sdp: 'x' });
      expect(w.takeBySession()).toStrictEqual({
        b: [{ type: 'offer', fromUser: 'alice', toUser: 'bob', callId: 'call-1', sdp: 'x' }],
      });
      expect(w.machine.census()).toStrictEqual({ ringing: 0, active: 1 });
      // bob is still in his call with alice: his hang-up reaches her.
      w.machine.hangup(bob, 'alice');
      expect(w.takeBySession()).toStrictEqual({
        a: [peerHangup('bob', 'alice', 'hangup', 'call-1')],
      });
    });

    it('carol cancels: only the session it rang on hears it', () => {
      w.take();
      w.machine.hangup(carol, 'bob');
      expect(w.takeBySession()).toStrictEqual({
        b: [peerHangup('carol', 'bob', 'cancelled', 'call-2')],
      });
      expect(w.machine.isInCall('c')).toBe(false);
      expect(w.machine.isInCall('b')).toBe(true);
    });

    it('unanswered: no_answer for carol, missed on that one session; the current call goes on', () => {
      w.take();
      w.pendingRingTimer().callback();
      expect(w.takeBySession()).toStrictEqual({
        c: [systemReply('carol', 'no_answer', 'bob', 'call-2')],
        b: [systemHangup('bob', 'missed', 'carol', 'call-2')],
      });
      expect(w.machine.census()).toStrictEqual({ ringing: 0, active: 1 });
    });

    it("the current call ends first: the waiting call rings on bob's other sessions as any call", () => {
      w.take();
      w.takeEvents();
      w.machine.hangup(alice, 'bob');
      expect(w.takeBySession()).toStrictEqual({
        b: [peerHangup('alice', 'bob', 'hangup', 'call-1')],
        bp: [incomingCall('carol', 'bob', 'call-2')],
      });
      // A device opened now rings too, as for any ringing call.
      w.connect('bob', 'b3', 2);
      expect(w.takeBySession()).toStrictEqual({ b3: [incomingCall('carol', 'bob', 'call-2')] });
      w.machine.answer(bobPhone, 'carol', true, 'call-2');
      expect(w.takeBySession()).toStrictEqual({
        c: [accepted('bob', 'carol', 'call-2')],
        b: [systemHangup('bob', 'answered_elsewhere', 'carol', 'call-2')],
        b3: [systemHangup('bob', 'answered_elsewhere', 'carol', 'call-2')],
      });
    });

    it("bob's only session closes: alice hears disconnected, carol offline", () => {
      w.disconnect(bobPhone);
      w.take();
      w.takeEvents();
      w.disconnect(bob);
      expect(w.takeBySession()).toStrictEqual({
        a: [peerHangup('bob', 'alice', 'disconnected', 'call-1')],
        c: [systemReply('carol', 'offline', 'bob', 'call-2')],
      });
      expect(w.takeEvents().map((e) => e.event === 'ended' && e.code)).toStrictEqual([
        'disconnected',
        'offline',
      ]);
      expect(w.machine.census()).toStrictEqual({ ringing: 0, active: 0 });
    });

    it("carol's session closes: the session it rang on hears disconnected", () => {
      w.take();
      w.disconnect(carol);
      expect(w.takeBySession()).toStrictEqual({
        b: [systemHangup('bob', 'disconnected', 'carol', 'call-2')],
      });
    });

    it('shutdown ends both calls and rings nobody new', () => {
      w.take();
      w.machine.shutdown();
      const sent = w.take();
      expect(sent.every((d) => d.message.type === 'hangup')).toBe(true);
      expect(sent.map((d) => d.to).sort()).toStrictEqual(['a', 'b', 'b', 'c']);
      expect(w.machine.census()).toStrictEqual({ ringing: 0, active: 0 });
    });

    it('a decline from a notification ends only the waiting call; its banner hears so', () => {
      w.take();
      expect(w.machine.declineRinging('call-2', 'bob')).toBe(true);
      expect(w.takeBySession()).toStrictEqual({
        c: [rejected('bob', 'carol', 'call-2')],
        b: [systemHangup('bob', 'rejected_elsewhere', 'carol', 'call-2')],
      });
      expect(w.machine.census()).toStrictEqual({ ringing: 0, active: 1 });
    });

    it('rings the session bob talks on, not his first one; a switch from there reaches alice', () => {
      const x = new Harness();
      x.connect('bob', 'b-first', 2);
      const talking = x.connect('bob', 'b-talking', 2);
      const caller = x.connect('alice', 'a', 2);
      const waiter = x.connect('carol', 'c', 2);
      x.machine.start(caller, 'bob', 'ring');
      x.machine.answer(talking, 'alice', true);
      x.take();
      x.machine.start(waiter, 'bob', 'ring');
      const sent = x.takeBySession();
      expect(Object.keys(sent).sort()).toStrictEqual(['b-talking', 'c']); // never b-first
      expect(sent['b-talking']).toMatchObject([{ callId: 'call-2', waiting: true }]);
    });

    it('bob as the caller of his current call: the switch hangs up his callee', () => {
      const x = new Harness();
      const bobCaller = x.connect('bob', 'b', 2);
      const aliceCallee = x.connect('alice', 'a', 2);
      const waiter = x.connect('carol', 'c', 2);
      x.machine.start(bobCaller, 'alice', 'ring');
      x.machine.answer(aliceCallee, 'bob', true);
      x.machine.start(waiter, 'bob', 'ring');
      x.take();
      x.machine.answer(bobCaller, 'carol', true);
      expect(x.takeBySession()).toStrictEqual({
        a: [peerHangup('bob', 'alice', 'switched', 'call-1')],
        c: [accepted('bob', 'carol', 'call-2')],
      });
    });

    it("busy while the callee's own outgoing call still rings", () => {
      const erin = w.connect('erin', 'e', 2);
      w.connect('frank', 'f', 2);
      w.machine.start(erin, 'frank', 'ring');
      w.take();
      w.machine.start(dave, 'erin', 'ring');
      expect(w.takeBySession()).toStrictEqual({
        d: [systemReply('dave', 'busy', 'erin', 'call-4')],
      });
    });

    it('bob as the caller of his current call is rung with waiting too', () => {
      const erin = w.connect('erin', 'e', 2);
      const frank = w.connect('frank', 'f', 2);
      w.machine.start(frank, 'erin', 'ring');
      w.machine.answer(erin, 'frank', true);
      w.take();
      w.machine.start(dave, 'frank', 'ring');
      expect(w.takeBySession()).toMatchObject({ f: [{ callId: 'call-4', waiting: true }] });
    });

    it('busy, not waiting: a callee whose call still rings, or who talks on a protocol 1 session', () => {
      const erin = w.connect('erin', 'e', 2);
      const frank = w.connect('frank', 'f');
      const gina = w.connect('gina', 'g', 1);
      w.machine.start(erin, 'frank', 'ring'); // frank's call rings: not yet a call to wait on
      w.take();
      w.machine.start(dave, 'frank', 'ring');
      expect(w.takeBySession()).toStrictEqual({
        d: [systemReply('dave', 'busy', 'frank', 'call-4')],
      });
      w.machine.answer(frank, 'erin', true);
      w.take();
      w.machine.start(dave, 'frank', 'ring'); // frank talks on a protocol 1 session
      expect(w.takeBySession()).toStrictEqual({
        d: [systemReply('dave', 'busy', 'frank', 'call-5')],
      });
      w.machine.start(gina, 'erin', 'ring'); // erin (v2) can be rung by a waiting call
      expect(w.takeBySession()).toMatchObject({ e: [{ waiting: true }], g: [{ type: 'ringing' }] });
    });
  });

  describe('sentences', () => {
    // A Record over every MessageCode, so a new code without a sentence fails to compile here.
    const codes: Record<MessageCode, true> = {
      unknown_user: true,
      offline: true,
      busy: true,
      self: true,
      glare: true,
      no_answer: true,
      rejected: true,
      hangup: true,
      ice_failed: true,
      media_failed: true,
      cancelled: true,
      missed: true,
      answered_elsewhere: true,
      rejected_elsewhere: true,
      switched: true,
      disconnected: true,
      server_shutdown: true,
      bad_request: true,
      not_in_call: true,
      already_in_call: true,
      rate_limited: true,
      unavailable: true,
      server_error: true,
    };

    it('exist for every code, read as sentences, and differ from each other', () => {
      const all = Object.keys(codes) as MessageCode[];
      const texts = all.map((code) => sentence(code, 'bob'));
      for (const [i, text] of texts.entries()) {
        assert.match(text, /^\S.{8,}[.]$/, `${all[i]}: "${text}"`);
      }
      expect(new Set(texts).size).toBe(texts.length);
    });

    it('name the peer where the peer matters', () => {
      for (const code of [
        'unknown_user',
        'offline',
        'busy',
        'glare',
        'no_answer',
        'rejected',
        'hangup',
        'cancelled',
        'missed',
        'disconnected',
        'not_in_call',
      ] as const) {
        assert.ok(sentence(code, 'zed-42').includes('zed-42'), code);
      }
    });
  });
});
