import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options.js';
import { CallMachine } from '../signaling/call-machine.js';
import type { CallSummary, SessionRef } from '../signaling/call-machine.types.js';
import { CallHistoryService } from './call-history.service.js';
import { CallRecord } from './call-record.entity.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function call(id: string, caller: string, callee: string): CallSummary {
  return { id, caller, callee, callerSession: `${caller}-1`, calleeSession: undefined };
}

describe('CallHistoryService', () => {
  let dataSource: DataSource;
  let history: CallHistoryService;

  beforeEach(async () => {
    // The real schema (migrations) on an in-memory SQLite database.
    dataSource = new DataSource(dataSourceOptions({ type: 'sqlite', path: ':memory:' }));
    await dataSource.initialize();
    history = new CallHistoryService(dataSource.getRepository(CallRecord));
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
    assert.deepEqual(await history.list('alice', 50), [
      {
        callId: 'c-1',
        direction: 'outgoing',
        peer: 'bob',
        startedAt: new Date(T0).toISOString(),
        answeredAt: new Date(T0 + 5000).toISOString(),
        endedAt: new Date(T0 + 65_000).toISOString(),
        endCode: 'hangup',
        missed: false,
      },
    ]);
    const [incoming] = await history.list('bob', 50);
    assert.equal(incoming?.direction, 'incoming');
    assert.equal(incoming.peer, 'alice');
    assert.equal(incoming.missed, false);
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
    assert.deepEqual(
      forBob.map((entry) => [entry.endCode, entry.missed]),
      [
        ['rejected', false],
        ['disconnected', true],
        ['offline', true],
        ['busy', true],
        ['cancelled', true],
        ['no_answer', true],
      ],
    );
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
    assert.equal(entry?.endedAt, null);
    assert.equal(entry.endCode, null);
    assert.equal(entry.missed, false);
  });

  it("lists only the user's calls, newest first, up to the limit", async () => {
    for (let i = 0; i < 5; i++) {
      const c = i % 2 === 0 ? call(`ab-${i}`, 'alice', 'bob') : call(`ba-${i}`, 'bob', 'alice');
      history.callStarted(c, new Date(T0 + i * 60_000));
      history.callEnded(c, 'hangup', new Date(T0 + i * 60_000 + 1000));
    }
    history.callStarted(call('cd', 'carol', 'dave'), new Date(T0 + 10 * 60_000));
    await history.flush();
    assert.deepEqual(
      (await history.list('alice', 50)).map((e) => e.callId),
      ['ab-4', 'ba-3', 'ab-2', 'ba-1', 'ab-0'],
    );
    assert.deepEqual(
      (await history.list('alice', 2)).map((e) => e.callId),
      ['ab-4', 'ba-3'],
    );
    assert.deepEqual(
      (await history.list('carol', 50)).map((e) => e.callId),
      ['cd'],
    );
    assert.deepEqual(await history.list('erin', 50), []);
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
    machine.start(a1, 'bob', true);
    time += 3000;
    machine.answer(b1, 'alice', true);
    for (let i = 0; i < 50; i++) {
      machine.relay(a1, { type: '_ice', toUser: 'bob', iceCandidate: { candidate: `${i}` } });
    }
    time += 60_000;
    machine.hangup(b1, 'alice');
    time += 1000;
    machine.start(a1, 'dave', true); // no session: offline
    await history.flush();

    assert.equal(await dataSource.getRepository(CallRecord).count(), 2);
    assert.deepEqual(await history.list('alice', 50), [
      {
        callId: 'call-2',
        direction: 'outgoing',
        peer: 'dave',
        startedAt: new Date(T0 + 64_000).toISOString(),
        answeredAt: null,
        endedAt: new Date(T0 + 64_000).toISOString(),
        endCode: 'offline',
        missed: false,
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
      },
    ]);
    const [offline] = await history.list('dave', 50);
    assert.equal(offline?.missed, true, 'a call while offline is missed for the callee');
  });
});
