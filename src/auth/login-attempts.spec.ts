import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { LoginAttempts } from './login-attempts.js';

const MINUTE = 60_000;
const IP = '192.0.2.1';

describe('LoginAttempts', () => {
  let now: number;
  let attempts: LoginAttempts;
  const fail = (times: number, username = 'alice', ip = IP) => {
    for (let i = 0; i < times; i += 1) {
      attempts.recordFailure(username, ip);
    }
  };

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
    attempts = new LoginAttempts(() => now);
  });

  it('allows four failures and locks the fifth for the whole 15-minute window', () => {
    fail(4);
    assert.equal(attempts.retryAfterSeconds('alice', IP), 0);
    fail(1);
    assert.equal(attempts.retryAfterSeconds('alice', IP), 15 * 60);
    now += 10 * MINUTE;
    assert.equal(attempts.retryAfterSeconds('alice', IP), 5 * 60);
  });

  it('unlocks once the oldest failure leaves the window', () => {
    fail(1);
    now += 5 * MINUTE;
    fail(4);
    now += 10 * MINUTE - 1;
    assert.equal(attempts.retryAfterSeconds('alice', IP), 1);
    now += 1;
    assert.equal(attempts.retryAfterSeconds('alice', IP), 0);
    fail(1);
    assert.equal(attempts.retryAfterSeconds('alice', IP), 5 * 60, 'locked again by 5 recent');
  });

  it('forgets the failures after a successful login', () => {
    fail(4);
    attempts.recordSuccess('alice', IP);
    fail(4);
    assert.equal(attempts.retryAfterSeconds('alice', IP), 0);
  });

  it('counts per account and address, ignoring the case of the username', () => {
    fail(3, 'Alice');
    fail(2, 'ALICE');
    assert.ok(attempts.retryAfterSeconds('alice', IP) > 0);
    assert.equal(attempts.retryAfterSeconds('bob', IP), 0);
    assert.equal(attempts.retryAfterSeconds('alice', '192.0.2.2'), 0);
  });

  it('keeps counting correctly while sweeping a flood of other keys', () => {
    fail(5);
    for (let i = 0; i < 10_001; i += 1) {
      attempts.recordFailure(`user${i}`, IP);
    }
    assert.ok(attempts.retryAfterSeconds('alice', IP) > 0, 'a recent lock survives the sweep');
    now += 15 * MINUTE;
    attempts.recordFailure('late', IP);
    assert.equal(attempts.retryAfterSeconds('alice', IP), 0);
    assert.equal(attempts.retryAfterSeconds('user0', IP), 0);
  });
});
