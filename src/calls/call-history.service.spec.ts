import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { LocalContactEvents } from '../contacts/contact-events.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { CallMachine } from '../signaling/call-machine.js';
import type { AccountEventMessage } from '../signaling/protocol.js';
import type { CallSummary, EndCode, SessionRef } from '../signaling/call-machine.types.js';
import { CallHistoryService } from './call-history.service.js';
import { CallRecord } from './call-record.entity.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function call(id: string, caller: string, callee: string): CallSummary {
  return { id, caller, callee, callerSession: `${caller}-1`, calleeSession: undefined };
}

/** History limits: no merging (calls seconds apart stay apart) unless a test asks for it. */
function limits(history: Partial<AppConfig['history']> = {}): AppConfig {
  return { history: { maxPerUser: 500, mergeWindowMs: 0, ...history } } as AppConfig;
}

describe('CallHistoryService', () => {
  let dataSource: DataSource;
  let history: CallHistoryService;
  let events: LocalContactEvents;
  let heard: AccountEventMessage[];

  beforeEach(async () => {
    // The real schema (migrations) on an in-memory SQLite database.
    dataSource = new DataSource(dataSourceOptions({ type: 'sqlite', path: ':memory:' }));
    await dataSource.initialize();
    events = new LocalContactEvents();
    heard = [];
    events.subscribe((message) => heard.push(message));
    history = new CallHistoryService(dataSource.getRepository(CallRecord), limits(), events);
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  it('records a call at its state changes, in order, without the caller waiting', async () => {
    const c = call('c-1', 'alice', 'bob');
    // All three are fired synchronously, as the call machine does; the update must not overtake
    // the insert.
    history.callStarted(c, new Date(T0));
    history.callAnswered(c, new Date(T0 + 5000));
    history.callEnded(c, 'hangup', new Date(T0 + 65_000));
    await history.flush();
    expect(await history.list('alice', 50)).toStrictEqual([
      {
        callId: 'c-1',
        direction: 'outgoing',
        peer: 'bob',
        startedAt: new Date(T0).toISOString(),
        answeredAt: new Date(T0 + 5000).toISOString(),
        endedAt: new Date(T0 + 65_000).toISOString(),
        endCode: 'hangup',
        missed: false,
        attempts: 1,
      },
    ]);
    const [incoming] = await history.list('bob', 50);
    expect(incoming?.direction).toBe('incoming');
    expect(incoming.peer).toBe('alice');
    expect(incoming.missed).toBe(false);
  });

  it('tells the callee of a call missed under do-not-disturb once it is written (missed_call), nobody of other ends', async () => {
    const missed = call('c-dnd', 'alice', 'bob');
    history.callStarted(missed, new Date(T0));
    history.callEnded(missed, 'unavailable', new Date(T0 + 10));
    const rangOut = call('c-ring', 'carol', 'bob');
    history.callStarted(rangOut, new Date(T0 + 20));
    history.callEnded(rangOut, 'no_answer', new Date(T0 + 30));
    const hidden = { ...call('c-hidden', 'mallory', 'bob'), hiddenFromCallee: true };
    history.callStarted(hidden, new Date(T0 + 40));
    history.callEnded(hidden, 'unavailable', new Date(T0 + 50));
    expect(heard).toStrictEqual([]); // nothing before the write has landed
    await history.flush();
    expect(heard).toStrictEqual([
      { type: 'missed_call', fromUser: 'system', toUser: 'bob', callId: 'c-dnd', peer: 'alice' },
    ]);
    // What the page fetches on hearing it already holds the entry.
    const entries = await history.list('bob', 50);
    expect(entries.find((e) => e.callId === 'c-dnd')?.missed).toBe(true);
  });

  it('marks an incoming call that ended unanswered and undeclined as missed', async () => {
    const codes = [
      'no_answer',
      'cancelled',
      'busy',
      'offline',
      'disconnected',
      'rejected',
    ] as const;
    codes.forEach((code, i) => {
      const c = call(`c-${code}`, 'alice', 'bob');
      history.callStarted(c, new Date(T0 + i * 1000));
      history.callEnded(c, code, new Date(T0 + i * 1000 + 500));
    });
    await history.flush();
    const forBob = await history.list('bob', 50);
    expect(forBob.map((entry) => [entry.endCode, entry.missed])).toStrictEqual([
      ['rejected', false],
      ['disconnected', true],
      ['offline', true],
      ['busy', true],
      ['cancelled', true],
      ['no_answer', true],
    ]);
    const forAlice = await history.list('alice', 50);
    assert.ok(
      forAlice.every((entry) => !entry.missed && entry.direction === 'outgoing'),
      'outgoing calls are never missed',
    );
  });

  it('a call still ringing or active is not missed and has no end', async () => {
    history.callStarted(call('c-1', 'alice', 'bob'), new Date(T0));
    await history.flush();
    const [entry] = await history.list('bob', 50);
    expect(entry?.endedAt).toBe(null);
    expect(entry.endCode).toBe(null);
    expect(entry.missed).toBe(false);
  });

  it("lists only the user's calls, newest first, up to the limit", async () => {
    for (let i = 0; i < 5; i++) {
      const c = i % 2 === 0 ? call(`ab-${i}`, 'alice', 'bob') : call(`ba-${i}`, 'bob', 'alice');
      history.callStarted(c, new Date(T0 + i * 60_000));
      history.callEnded(c, 'hangup', new Date(T0 + i * 60_000 + 1000));
    }
    history.callStarted(call('cd', 'carol', 'dave'), new Date(T0 + 10 * 60_000));
    await history.flush();
    expect((await history.list('alice', 50)).map((e) => e.callId)).toStrictEqual([
      'ab-4',
      'ba-3',
      'ab-2',
      'ba-1',
      'ab-0',
    ]);
    expect((await history.list('alice', 2)).map((e) => e.callId)).toStrictEqual(['ab-4', 'ba-3']);
    expect((await history.list('carol', 50)).map((e) => e.callId)).toStrictEqual(['cd']);
    expect(await history.list('erin', 50)).toStrictEqual([]);
  });

  it('as the call machine observer: one record per attempt, none per relayed message', async () => {
    let time = T0;
    let next = 1;
    const sessions: Record<string, SessionRef[]> = {
      alice: [{ id: 'a1', username: 'alice' }],
      bob: [
        { id: 'b1', username: 'bob' },
        { id: 'b2', username: 'bob' },
      ],
    };
    const machine = new CallMachine({
      outbox: { send: () => undefined },
      directory: { sessionsOf: (username) => sessions[username] ?? [] },
      timers: { set: () => undefined, clear: () => undefined },
      observers: [history],
      ringTimeoutMs: 30_000,
      newCallId: () => `call-${next++}`,
      now: () => new Date(time),
    });
    const [a1] = sessions.alice;
    const [b1] = sessions.bob;
    machine.start(a1, 'bob', 'ring');
    time += 3000;
    machine.answer(b1, 'alice', true);
    for (let i = 0; i < 50; i++) {
      machine.relay(a1, { type: '_ice', toUser: 'bob', iceCandidate: { candidate: `${i}` } });
    }
    time += 60_000;
    machine.hangup(b1, 'alice');
    time += 1000;
    machine.start(a1, 'dave', 'ring'); // no session: offline
    await history.flush();

    expect(await dataSource.getRepository(CallRecord).count()).toBe(2);
    expect(await history.list('alice', 50)).toStrictEqual([
      {
        callId: 'call-2',
        direction: 'outgoing',
        peer: 'dave',
        startedAt: new Date(T0 + 64_000).toISOString(),
        answeredAt: null,
        endedAt: new Date(T0 + 64_000).toISOString(),
        endCode: 'offline',
        missed: false,
        attempts: 1,
      },
      {
        callId: 'call-1',
        direction: 'outgoing',
        peer: 'bob',
        startedAt: new Date(T0).toISOString(),
        answeredAt: new Date(T0 + 3000).toISOString(),
        endedAt: new Date(T0 + 63_000).toISOString(),
        endCode: 'hangup',
        missed: false,
        attempts: 1,
      },
    ]);
    const [offline] = await history.list('dave', 50);
    assert.equal(offline?.missed, true, 'a call while offline is missed for the callee');
  });

  it('shows a hidden attempt to the caller only (as offline), and never merges it with a visible one', async () => {
    const hidden = (id: string, offset: number, caller = 'mallory'): CallSummary => {
      const c = { ...call(id, caller, 'bob'), hiddenFromCallee: true };
      history.callStarted(c, new Date(T0 + offset));
      history.callEnded(c, 'offline', new Date(T0 + offset));
      return c;
    };
    history = new CallHistoryService(
      dataSource.getRepository(CallRecord),
      limits({ mergeWindowMs: 10 * 60_000, maxPerUser: 3 }),
      events,
    );
    const visible = call('v1', 'mallory', 'bob');
    history.callStarted(visible, new Date(T0));
    history.callEnded(visible, 'offline', new Date(T0));
    hidden('h1', 1000);
    hidden('h2', 2000);
    await history.flush();
    const forMallory = await history.list('mallory', 50);
    expect(forMallory.map((e) => [e.callId, e.endCode, e.attempts, e.direction])).toStrictEqual([
      ['h1', 'offline', 2, 'outgoing'],
      ['v1', 'offline', 1, 'outgoing'],
    ]);
    const forBob = await history.list('bob', 50);
    expect(forBob.map((e) => [e.callId, e.attempts, e.missed])).toStrictEqual([['v1', 1, true]]);
    // Hidden attempts do not count against bob's HISTORY_MAX_PER_USER either: his own calls stay.
    for (const [id, offset] of [
      ['b1', 3000],
      ['b2', 5000],
    ] as const) {
      history.callStarted(call(id, 'bob', 'carol'), new Date(T0 + offset));
      history.callAnswered(call(id, 'bob', 'carol'), new Date(T0 + offset + 500));
      history.callEnded(call(id, 'bob', 'carol'), 'hangup', new Date(T0 + offset + 1000));
    }
    for (let i = 0; i < 5; i++) {
      hidden(`h-late-${i}`, 20 * 60_000 * (i + 1), 'eve');
    }
    await history.flush();
    expect((await history.list('bob', 50)).map((e) => e.callId)).toStrictEqual(['b2', 'b1', 'v1']);
    expect(await history.list('eve', 50)).toHaveLength(3);
  });

  it('forgets every call of a deleted account, hidden ones too, after the queued writes', async () => {
    const c = { ...call('x1', 'mallory', 'bob'), hiddenFromCallee: true };
    history.callStarted(c, new Date(T0));
    history.callStarted(call('x2', 'bob', 'carol'), new Date(T0 + 1));
    history.callStarted(call('x3', 'carol', 'bob'), new Date(T0 + 2));
    history.callStarted(call('x4', 'carol', 'dave'), new Date(T0 + 3));
    await history.forget('bob'); // without a flush first: forget waits for the writes
    expect(
      (await dataSource.getRepository(CallRecord).find({ order: { id: 'ASC' } })).map((r) => r.id),
    ).toStrictEqual(['x4']);
  });

  describe('bounded', () => {
    /** Starts and ends one attempt at `offset` ms after T0 (unanswered unless `answered`). */
    function attempt(id: string, from: string, to: string, offset: number, code: EndCode): void {
      const c = call(id, from, to);
      history.callStarted(c, new Date(T0 + offset));
      if (code === 'hangup') {
        history.callAnswered(c, new Date(T0 + offset + 1000));
      }
      history.callEnded(c, code, new Date(T0 + offset + 2000));
    }

    function summary(entries: { callId: string; endCode: string | null; attempts: number }[]) {
      return entries.map((e) => `${e.callId} ${e.endCode} x${e.attempts}`);
    }

    beforeEach(() => {
      history = new CallHistoryService(
        dataSource.getRepository(CallRecord),
        limits({ mergeWindowMs: 10 * 60_000, maxPerUser: 4 }),
        events,
      );
    });

    it('merges repeated unanswered attempts from one caller into one entry with a count', async () => {
      attempt('a1', 'alice', 'bob', 0, 'offline');
      attempt('a2', 'alice', 'bob', 60_000, 'busy');
      attempt('a3', 'alice', 'bob', 120_000, 'no_answer');
      await history.flush();
      const [entry, ...rest] = await history.list('bob', 50);
      expect(rest).toStrictEqual([]);
      expect(entry).toStrictEqual({
        callId: 'a1',
        direction: 'incoming',
        peer: 'alice',
        startedAt: new Date(T0 + 120_000).toISOString(),
        answeredAt: null,
        endedAt: new Date(T0 + 122_000).toISOString(),
        endCode: 'no_answer',
        missed: true,
        attempts: 3,
      });
      expect(summary(await history.list('alice', 50))).toStrictEqual(['a1 no_answer x3']);
      expect(await dataSource.getRepository(CallRecord).count()).toBe(1);
    });

    it('keeps apart what is not a repeat: answered calls, the other direction, declines, the window', async () => {
      attempt('m1', 'alice', 'bob', 0, 'offline');
      attempt('m2', 'alice', 'bob', 60_000, 'hangup'); // answered: its own entry
      attempt('m3', 'alice', 'bob', 120_000, 'offline'); // after an answered call
      attempt('m4', 'bob', 'alice', 180_000, 'no_answer'); // the other direction
      attempt('m5', 'alice', 'bob', 240_000, 'offline'); // after bob's attempt
      attempt('m6', 'alice', 'bob', 300_000, 'rejected'); // a decline is not a miss
      attempt('m7', 'alice', 'bob', 360_000, 'rejected'); // ... but two declines merge
      attempt('m8', 'alice', 'bob', 360_000 + 11 * 60_000, 'rejected'); // past the window
      await history.flush();
      expect(summary(await history.list('alice', 50))).toStrictEqual([
        'm8 rejected x1',
        'm6 rejected x2',
        'm5 offline x1',
        'm4 no_answer x1',
      ]);
    });

    it('keeps HISTORY_MAX_PER_USER entries per user, pruning the oldest', async () => {
      for (let i = 0; i < 7; i++) {
        attempt(
          `p${i}`,
          i % 2 === 0 ? 'alice' : 'carol',
          i % 2 === 0 ? 'bob' : 'alice',
          i * 1000,
          'hangup',
        );
      }
      await history.flush();
      expect(summary(await history.list('alice', 50))).toStrictEqual([
        'p6 hangup x1',
        'p5 hangup x1',
        'p4 hangup x1',
        'p3 hangup x1',
      ]);
      expect(await dataSource.getRepository(CallRecord).count()).toBe(4);
    });
  });
});
