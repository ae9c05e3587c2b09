import { beforeEach, describe, expect, it } from '@jest/globals';
import type { CallSummary, EndCode } from './call-machine.types.js';
import { CallStartLimiter } from './call-start-limiter.js';

const WINDOW_MS = 60_000;

describe('CallStartLimiter', () => {
  let now: number;
  let limiter: CallStartLimiter;

  beforeEach(() => {
    now = 0;
    limiter = new CallStartLimiter(
      { perCallee: 3, perCaller: 5, windowMs: WINDOW_MS, cooldownMs: 10_000 },
      () => now,
    );
  });

  function attempts(caller: string, callee: string, count: number): boolean[] {
    return Array.from({ length: count }, () => limiter.allow(caller, callee));
  }

  function ended(caller: string, callee: string, code: EndCode): void {
    const call: CallSummary = {
      id: 'c',
      caller,
      callee,
      callerSession: 's',
      calleeSession: undefined,
    };
    limiter.callEnded(call, code);
  }

  it('lets a caller ring one callee CALL_STARTS_PER_CALLEE times, then refills over the window', () => {
    expect(attempts('mallory', 'victim', 5)).toStrictEqual([true, true, true, false, false]);
    now += WINDOW_MS / 3; // one token back
    expect(attempts('mallory', 'victim', 2)).toStrictEqual([true, false]);
    expect(limiter.allow('mallory', 'other')).toBe(true);
  });

  it('limits a caller across all callees to CALL_STARTS_PER_CALLER', () => {
    const callees = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    expect(callees.map((callee) => limiter.allow('mallory', callee))).toStrictEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    // Someone else's calls are not affected.
    expect(limiter.allow('alice', 'a1')).toBe(true);
  });

  it('a refused attempt costs nothing: the caller bucket is untouched by a pair that is spent', () => {
    expect(attempts('mallory', 'victim', 10)).toStrictEqual([
      ...[true, true, true],
      ...Array<boolean>(7).fill(false),
    ]);
    // 3 of 5 used on the victim; the other 2 still go to other people.
    expect(['b1', 'b2', 'b3'].map((callee) => limiter.allow('mallory', callee))).toStrictEqual([
      true,
      true,
      false,
    ]);
  });

  it('cools a pair down after a reject or a cancel, and only that pair', () => {
    for (const code of ['rejected', 'cancelled'] as const) {
      now += WINDOW_MS * 2;
      ended('alice', 'bob', code);
      expect(limiter.allow('alice', 'bob')).toBe(false);
      expect(limiter.allow('alice', 'carol')).toBe(true);
      expect(limiter.allow('bob', 'alice')).toBe(true);
      now += 10_001;
      expect(limiter.allow('alice', 'bob')).toBe(true);
    }
  });

  it('does not cool down after calls that ended any other way', () => {
    for (const code of ['hangup', 'no_answer', 'offline', 'busy', 'disconnected'] as const) {
      now += WINDOW_MS * 2;
      ended('alice', 'bob', code);
      expect(limiter.allow('alice', 'bob')).toBe(true);
    }
  });
});
