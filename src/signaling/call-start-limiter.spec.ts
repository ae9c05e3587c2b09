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

  /** Whether each of `count` attempts was let through. */
  function attempts(caller: string, callee: string, count: number): boolean[] {
    return Array.from({ length: count }, () => allow(caller, callee));
  }

  function allow(caller: string, callee: string): boolean {
    return limiter.refusalOf(caller, callee) === undefined;
  }

  function call(caller: string, callee: string): CallSummary {
    return { id: 'c', caller, callee, callerSession: 's', calleeSession: undefined };
  }

  function ended(caller: string, callee: string, code: EndCode): void {
    limiter.callEnded(call(caller, callee), code);
  }

  it('lets a caller ring one callee CALL_STARTS_PER_CALLEE times, then refills over the window', () => {
    expect(attempts('mallory', 'victim', 5)).toStrictEqual([true, true, true, false, false]);
    now += WINDOW_MS / 3; // one token back
    expect(attempts('mallory', 'victim', 2)).toStrictEqual([true, false]);
    expect(allow('mallory', 'other')).toBe(true);
  });

  it('limits a caller across all callees to CALL_STARTS_PER_CALLER', () => {
    const callees = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    expect(callees.map((callee) => allow('mallory', callee))).toStrictEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    // Someone else's calls are not affected.
    expect(allow('alice', 'a1')).toBe(true);
  });

  it('a refused attempt costs nothing: the caller bucket is untouched by a pair that is spent', () => {
    expect(attempts('mallory', 'victim', 10)).toStrictEqual([
      ...[true, true, true],
      ...Array<boolean>(7).fill(false),
    ]);
    // 3 of 5 used on the victim; the other 2 still go to other people.
    expect(['b1', 'b2', 'b3'].map((callee) => allow('mallory', callee))).toStrictEqual([
      true,
      true,
      false,
    ]);
  });

  it('cools a pair down after a decline, and only that pair, saying why and for how long', () => {
    ended('alice', 'bob', 'rejected');
    expect(limiter.refusalOf('alice', 'bob')).toStrictEqual({
      reason: 'declined_recently',
      retryAfter: 10,
    });
    now += 1_500;
    // Rounded up: never sooner than said.
    expect(limiter.refusalOf('alice', 'bob')).toStrictEqual({
      reason: 'declined_recently',
      retryAfter: 9,
    });
    expect(allow('alice', 'carol')).toBe(true);
    expect(allow('bob', 'alice')).toBe(true);
    now += 8_499;
    expect(limiter.refusalOf('alice', 'bob')).toStrictEqual({
      reason: 'declined_recently',
      retryAfter: 1,
    });
    now += 1;
    expect(limiter.refusalOf('alice', 'bob')).toBeUndefined();
  });

  it('a spent budget says too_many_calls and when the next token is back', () => {
    expect(attempts('mallory', 'victim', 3)).toStrictEqual([true, true, true]);
    // One token per WINDOW_MS / 3 = 20 s.
    expect(limiter.refusalOf('mallory', 'victim')).toStrictEqual({
      reason: 'too_many_calls',
      retryAfter: 20,
    });
    expect(attempts('mallory', 'other', 2)).toStrictEqual([true, true]);
    // The caller's own budget (5 per minute: one per 12 s) is spent now.
    expect(limiter.refusalOf('mallory', 'third')).toStrictEqual({
      reason: 'too_many_calls',
      retryAfter: 12,
    });
    now += 20_000 - 999;
    expect(limiter.refusalOf('mallory', 'victim')).toStrictEqual({
      reason: 'too_many_calls',
      retryAfter: 1,
    });
  });

  it('an answered call gives its tokens back: a fifth call after four answered ones rings', () => {
    for (let i = 0; i < 4; i++) {
      expect(allow('alice', 'bob')).toBe(true);
      limiter.callAnswered(call('alice', 'bob'));
    }
    expect(attempts('alice', 'bob', 4)).toStrictEqual([true, true, true, false]);
    // And the caller's own budget: 5 per window, 3 spent on unanswered calls just now.
    expect(attempts('alice', 'carol', 3)).toStrictEqual([true, true, false]);
  });

  it('a refund never lifts a budget past its size, and is a no-op for a forgotten bucket', () => {
    limiter.callAnswered(call('alice', 'bob')); // nothing was taken: no bucket, nothing to give
    expect(attempts('alice', 'bob', 4)).toStrictEqual([true, true, true, false]);
    for (let i = 0; i < 5; i++) {
      limiter.callAnswered(call('alice', 'bob'));
    }
    expect(attempts('alice', 'bob', 4)).toStrictEqual([true, true, true, false]);
  });

  it('the once-a-window clean-up keeps a budget spent just before it, and a cooldown still running', () => {
    // Spent and declined a second before the window ends; the next attempt, a second after it,
    // runs the clean-up, which may forget only what is back to full or over.
    now = WINDOW_MS - 1_000;
    expect(attempts('mallory', 'victim', 3)).toStrictEqual([true, true, true]);
    ended('alice', 'bob', 'rejected');
    now = WINDOW_MS + 1_000;
    expect(limiter.refusalOf('mallory', 'victim')).toStrictEqual({
      reason: 'too_many_calls',
      retryAfter: 18, // 0.1 of a token came back in those 2 s; 0.9 more take 18 s
    });
    expect(limiter.refusalOf('alice', 'bob')).toStrictEqual({
      reason: 'declined_recently',
      retryAfter: 8,
    });
    // mallory's own budget (2 of 5 left, plus a sixth of a token) was kept too.
    expect(attempts('mallory', 'other', 3)).toStrictEqual([true, true, false]);
  });

  it('does not cool down after calls that ended any other way, a cancel included', () => {
    for (const code of [
      'cancelled',
      'hangup',
      'no_answer',
      'offline',
      'busy',
      'disconnected',
      'switched',
    ] as const) {
      now += WINDOW_MS * 2;
      ended('alice', 'bob', code);
      expect(allow('alice', 'bob')).toBe(true);
    }
  });
});
