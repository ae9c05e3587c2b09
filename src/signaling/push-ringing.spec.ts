import { describe, expect, it } from '@jest/globals';
import { CallMachine } from './call-machine.js';
import type { RingByPush, SessionRef } from './call-machine.types.js';
import type { ServerMessage } from './protocol.js';
import { devicesToPush, pushRingEndReason } from './push-ringing.js';

const RING_TIMEOUT_MS = 30_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('devicesToPush', () => {
  it('the subscribed devices no open session named, each once, in order', () => {
    const sessions: SessionRef[] = [
      { id: 's1', username: 'bob', pushDevice: 'phone' },
      { id: 's2', username: 'bob' },
    ];
    expect(devicesToPush(['tablet', 'phone', 'laptop', 'tablet'], sessions)).toStrictEqual([
      'tablet',
      'laptop',
    ]);
    expect(devicesToPush(['phone'], sessions)).toStrictEqual([]);
    expect(devicesToPush([], [])).toStrictEqual([]);
  });
});

describe('pushRingEndReason', () => {
  it('no_answer → timeout, rejected → declined, anything else → cancelled', () => {
    expect(pushRingEndReason('no_answer')).toBe('timeout');
    expect(pushRingEndReason('rejected')).toBe('declined');
    for (const code of ['cancelled', 'disconnected', 'offline', 'server_shutdown'] as const) {
      expect(pushRingEndReason(code)).toBe('cancelled');
    }
  });
});

/** The machine with a push recorder, a directory, an outbox and timers fired by hand. */
function harness(withPush = true) {
  const sessions: SessionRef[] = [];
  const sent: { to: string; message: ServerMessage }[] = [];
  const pushes: string[] = [];
  const timers: (() => void)[] = [];
  /** Every push ring as the notifier receives it, for the fields `pushes` leaves out. */
  const rung: Parameters<RingByPush['ring']>[0][] = [];
  const push: RingByPush = {
    ring: (call) => {
      rung.push(call);
      pushes.push(`ring ${call.callId} ${call.to} ${call.expiresAt} ${call.devices.join(',')}`);
    },
    ringEnded: (callId, reason, ended) =>
      pushes.push(`ended ${callId} ${reason} ${ended?.to} ${ended?.devices.join(',')}`),
  };
  let next = 1;
  const machine = new CallMachine({
    outbox: { send: (to, message) => sent.push({ to, message }) },
    directory: { sessionsOf: (username) => sessions.filter((s) => s.username === username) },
    timers: {
      set: (_ms, callback) => timers.push(callback) - 1,
      clear: (handle) => {
        timers[handle as number] = () => undefined;
      },
    },
    observers: [],
    ringTimeoutMs: RING_TIMEOUT_MS,
    ...(withPush ? { push } : {}),
    newCallId: () => `call-${next++}`,
    now: () => new Date(T0),
  });
  const alice: SessionRef = { id: 'a1', username: 'alice' };
  const typesTo = (id: string) => sent.filter((d) => d.to === id).map((d) => d.message.type);
  const codesTo = (id: string) =>
    sent.filter((d) => d.to === id).map((d) => ('code' in d.message ? d.message.code : undefined));
  return { machine, sessions, pushes, rung, timers, alice, typesTo, codesTo };
}

describe('CallMachine: Web Push ringing', () => {
  it('no open page: `ringing`, every device pushed once; the timeout ends the ring once', () => {
    const { machine, pushes, timers, alice, typesTo } = harness();
    machine.start(alice, 'bob', 'ring', ['phone', 'laptop']);
    expect(typesTo('a1')).toStrictEqual(['ringing']);
    expect(pushes).toStrictEqual([`ring call-1 bob ${T0 + RING_TIMEOUT_MS} phone,laptop`]);
    expect(machine.isRinging('call-1', 'bob')).toBe(true);
    timers[0]();
    timers[0]();
    expect(pushes).toStrictEqual([
      `ring call-1 bob ${T0 + RING_TIMEOUT_MS} phone,laptop`,
      'ended call-1 timeout bob phone,laptop',
    ]);
    expect(machine.isRinging('call-1', 'bob')).toBe(false);
  });

  it('a page that named its device rings there; only the others are pushed; an answer ends them', () => {
    const { machine, sessions, pushes, alice, typesTo } = harness();
    const phonePage: SessionRef = { id: 'b1', username: 'bob', pushDevice: 'phone' };
    sessions.push(phonePage);
    machine.start(alice, 'bob', 'ring', ['phone', 'laptop']);
    expect(typesTo('b1')).toStrictEqual(['call_start']);
    expect(pushes).toStrictEqual([`ring call-1 bob ${T0 + RING_TIMEOUT_MS} laptop`]);
    machine.answer(phonePage, 'alice', true, 'call-1');
    machine.hangup(alice, 'bob');
    expect(pushes.slice(1)).toStrictEqual(['ended call-1 answered_elsewhere bob laptop']);
  });

  it('a page away (its socket dropped, waiting for a resume) does not keep its device from ringing', () => {
    const { machine, sessions, pushes, alice } = harness();
    const phonePage: SessionRef = { id: 'b1', username: 'bob', pushDevice: 'phone' };
    sessions.push(phonePage);
    machine.sessionAway(phonePage);
    machine.start(alice, 'bob', 'ring', ['phone']);
    expect(pushes).toStrictEqual([`ring call-1 bob ${T0 + RING_TIMEOUT_MS} phone`]);
    machine.hangup(alice, 'bob');
    machine.sessionBack(phonePage);
    machine.start(alice, 'bob', 'ring', ['phone']);
    expect(pushes.slice(2)).toStrictEqual([]);
  });

  it('the push names the caller, and leaves the display name empty for the notifier to look up', () => {
    const { machine, rung, alice } = harness();
    machine.start(alice, 'bob', 'ring', ['phone']);
    // An empty displayName is what makes the notifier look up the caller's (a user sees it on
    // the lock screen); any other value would be shown as the caller's name.
    expect(rung).toStrictEqual([
      {
        callId: 'call-1',
        from: { username: 'alice', displayName: '' },
        to: 'bob',
        expiresAt: T0 + RING_TIMEOUT_MS,
        devices: ['phone'],
      },
    ]);
  });

  it('a call_start that names no subscribed devices pushes nothing: with no page, offline', () => {
    const { machine, pushes, alice, codesTo } = harness();
    machine.start(alice, 'bob', 'ring');
    expect(pushes).toStrictEqual([]);
    expect(codesTo('a1')).toStrictEqual(['offline']);
  });

  it('every device with its page open, or none subscribed: no push; without pages and devices: offline', () => {
    const { machine, sessions, pushes, alice, codesTo } = harness();
    sessions.push({ id: 'b1', username: 'bob', pushDevice: 'phone' });
    machine.start(alice, 'bob', 'ring', ['phone']);
    machine.hangup(alice, 'bob');
    machine.start(alice, 'carol', 'ring', []);
    expect(pushes).toStrictEqual([]);
    expect(codesTo('a1')).toStrictEqual([undefined, 'offline']);
    const { machine: noPush, alice: caller, codesTo: noPushCodes } = harness(false);
    noPush.start(caller, 'bob', 'ring', ['phone']);
    expect(noPushCodes('a1')).toStrictEqual(['offline']);
  });

  it('the last page closing while devices ring by push: the call rings on; a cancel ends it', () => {
    const { machine, sessions, pushes, alice, codesTo } = harness();
    const page: SessionRef = { id: 'b1', username: 'bob' };
    sessions.push(page);
    machine.start(alice, 'bob', 'ring', ['phone']);
    sessions.pop();
    machine.sessionClosed(page);
    expect(codesTo('a1')).toStrictEqual([undefined]); // `ringing` only
    machine.hangup(alice, 'bob');
    expect(pushes.slice(1)).toStrictEqual(['ended call-1 cancelled bob phone']);
  });

  it('Decline from a notification: only for the callee of a ringing call, once', () => {
    const { machine, pushes, alice, codesTo } = harness();
    machine.start(alice, 'bob', 'ring', ['phone']);
    expect(machine.declineRinging('call-1', 'carol')).toBe(false);
    expect(machine.declineRinging('nope', 'bob')).toBe(false);
    expect(machine.declineRinging('call-1', 'bob')).toBe(true);
    expect(machine.declineRinging('call-1', 'bob')).toBe(false);
    expect(codesTo('a1')).toStrictEqual([undefined, 'rejected']);
    expect(pushes.slice(1)).toStrictEqual(['ended call-1 declined bob phone']);
  });

  it('refused and do-not-disturb callers push nothing; a shutdown ends a pushed ring', () => {
    const { machine, pushes, alice, codesTo } = harness();
    machine.start(alice, 'bob', 'refused', ['phone']);
    machine.start(alice, 'bob', 'do_not_disturb', ['phone']);
    expect(codesTo('a1')).toStrictEqual(['offline', 'unavailable']);
    expect(pushes).toStrictEqual([]);
    machine.start(alice, 'bob', 'ring', ['phone']);
    machine.shutdown();
    expect(pushes.slice(1)).toStrictEqual(['ended call-3 cancelled bob phone']);
  });
});
