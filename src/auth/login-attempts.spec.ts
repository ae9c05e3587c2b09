import { beforeEach, describe, expect, it } from '@jest/globals';
import { LoginAttempts } from './login-attempts.js';

const MINUTE = 60_000;
const IP = '192.0.2.1';

describe('LoginAttempts', () => {
  let now: number;
  let attempts: LoginAttempts;
  /** Starts `times` attempts that all fail; returns what each begin() answered. */
  const fail = (times: number, username = 'alice', ip = IP) =>
    Array.from({ length: times }, () => attempts.begin(username, ip));

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
    attempts = new LoginAttempts({ maxFailures: 5, windowMs: 15 * MINUTE }, () => now);
  });

  it('lets five attempts through and locks the sixth for the whole 15-minute window', () => {
    expect(fail(5)).toStrictEqual([0, 0, 0, 0, 0]);
    expect(attempts.begin('alice', IP)).toBe(15 * 60);
    now += 10 * MINUTE;
    expect(attempts.begin('alice', IP)).toBe(5 * 60);
  });

  it('counts an attempt before its outcome is known, so concurrent guesses cannot pass the limit', () => {
    // 100 attempts started before any of them finished: the password check is still running.
    const started = fail(100);
    expect(started.filter((wait) => wait === 0)).toHaveLength(5);
    expect(started.slice(5).every((wait) => wait === 15 * 60)).toBe(true);
  });

  it('honours the configured limits', () => {
    attempts = new LoginAttempts({ maxFailures: 2, windowMs: MINUTE }, () => now);
    expect(fail(3)).toStrictEqual([0, 0, 60]);
    now += MINUTE;
    expect(attempts.begin('alice', IP)).toBe(0);
  });

  it('unlocks once the oldest failure leaves the window', () => {
    fail(1);
    now += 5 * MINUTE;
    fail(4);
    now += 10 * MINUTE - 1;
    expect(attempts.begin('alice', IP)).toBe(1);
    now += 1;
    expect(attempts.begin('alice', IP)).toBe(0);
    expect(attempts.begin('alice', IP)).toBe(5 * 60);
  });

  it('forgets the failures after a successful login', () => {
    fail(4);
    attempts.begin('alice', IP);
    attempts.succeeded('alice', IP);
    expect(fail(5)).toStrictEqual([0, 0, 0, 0, 0]);
  });

  it('gives back an attempt that was abandoned before the password was checked', () => {
    fail(4);
    expect(attempts.begin('alice', IP)).toBe(0);
    attempts.abandon('alice', IP);
    expect(attempts.begin('alice', IP)).toBe(0);
    expect(attempts.begin('alice', IP)).toBeGreaterThan(0);
    attempts.abandon('bob', IP); // nothing to give back: harmless
    expect(attempts.begin('bob', IP)).toBe(0);
  });

  it('counts per account and address, ignoring the case of the username', () => {
    fail(3, 'Alice');
    fail(2, 'ALICE');
    expect(attempts.begin('alice', IP)).toBeGreaterThan(0);
    expect(attempts.begin('bob', IP)).toBe(0);
    expect(attempts.begin('alice', '192.0.2.2')).toBe(0);
  });

  it('keeps counting correctly while sweeping a flood of other keys', () => {
    fail(5);
    for (let i = 0; i < 10_001; i += 1) {
      attempts.begin(`user${i}`, IP);
    }
    expect(attempts.begin('alice', IP)).toBeGreaterThan(0);
    now += 15 * MINUTE;
    attempts.begin('late', IP);
    expect(attempts.begin('alice', IP)).toBe(0);
    expect(attempts.begin('user0', IP)).toBe(0);
  });
});
