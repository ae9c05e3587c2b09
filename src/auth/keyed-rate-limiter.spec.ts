import { beforeEach, describe, expect, it } from '@jest/globals';
import { KeyedRateLimiter } from './keyed-rate-limiter.js';

describe('KeyedRateLimiter', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });
  const takeTimes = (limiter: KeyedRateLimiter, key: string, times: number) =>
    Array.from({ length: times }, () => limiter.take(key));

  it('allows a burst of the per-minute budget, then says when the next request may come', () => {
    const limiter = new KeyedRateLimiter(6, 100, clock);
    expect(takeTimes(limiter, 'a', 6)).toStrictEqual([0, 0, 0, 0, 0, 0]);
    expect(limiter.take('a')).toBe(10); // 6 a minute: one every 10 s
    now += 9_000;
    expect(limiter.take('a')).toBe(1);
    now += 1_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(10);
  });

  it('refills at the sustained rate, never beyond the burst', () => {
    const limiter = new KeyedRateLimiter(60, 100, clock);
    takeTimes(limiter, 'a', 60);
    now += 10 * 60_000;
    expect(takeTimes(limiter, 'a', 61).filter((wait) => wait === 0)).toHaveLength(60);
  });

  it('keeps keys apart', () => {
    const limiter = new KeyedRateLimiter(2, 100, clock);
    takeTimes(limiter, 'a', 2);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('stays bounded under a flood of distinct keys, forgetting idle buckets first', () => {
    const limiter = new KeyedRateLimiter(2, 10, clock);
    takeTimes(limiter, 'busy', 2);
    for (let i = 0; i < 9; i += 1) {
      limiter.take(`idle${i}`);
    }
    now += 60_000; // every idle bucket is full again; "busy" too
    takeTimes(limiter, 'busy', 2);
    limiter.take('newcomer'); // over 10 keys: the full ones are dropped
    expect(limiter.take('busy')).toBeGreaterThan(0); // still remembered
    // A flood of busy keys cannot grow the map: the oldest go, "busy" among them.
    for (let i = 0; i < 1000; i += 1) {
      takeTimes(limiter, `flood${i}`, 2);
    }
    expect(limiter.take('flood999')).toBeGreaterThan(0);
    expect(limiter.take('busy')).toBe(0);
  });
});
