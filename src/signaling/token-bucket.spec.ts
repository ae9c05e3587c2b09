import assert from 'node:assert/strict';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { TokenBucket } from './token-bucket.js';

/** How many of `count` takes succeed. */
function admitted(bucket: TokenBucket, count: number): number {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    if (bucket.take()) {
      ok += 1;
    }
  }
  return ok;
}

describe('TokenBucket', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('starts full: a burst of `burst` passes at once, the next is refused', () => {
    const bucket = new TokenBucket(50, 200, clock);
    expect(admitted(bucket, 200)).toBe(200);
    expect(bucket.take()).toBe(false);
    expect(bucket.take()).toBe(false);
  });

  it('refills at `rate` per second once empty', () => {
    const bucket = new TokenBucket(50, 200, clock);
    admitted(bucket, 200);
    now += 20; // 50/s: one token every 20 ms
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 10; // half a token
    expect(bucket.take()).toBe(false);
    now += 10; // the other half: refused takes do not waste the refill
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 1000;
    expect(admitted(bucket, 100)).toBe(50);
  });

  it('sustains exactly `rate` a second over a long run', () => {
    const bucket = new TokenBucket(50, 200, clock);
    admitted(bucket, 200);
    let ok = 0;
    // 100 messages a second for 10 s, one every 10 ms.
    for (let i = 0; i < 1000; i++) {
      now += 10;
      ok += bucket.take() ? 1 : 0;
    }
    expect(ok).toBe(500);
  });

  it('never holds more than `burst`, however long it was idle', () => {
    const bucket = new TokenBucket(50, 200, clock);
    now += 3_600_000;
    expect(admitted(bucket, 1000)).toBe(200);
  });

  it('a sender at or under the rate is never refused', () => {
    const bucket = new TokenBucket(50, 200, clock);
    for (let i = 0; i < 5000; i++) {
      now += 20;
      assert.equal(bucket.take(), true, `message ${i}`);
    }
  });

  it('works with other rates and bursts', () => {
    const bucket = new TokenBucket(2, 1, clock);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 499;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
  });

  it('defaults to a real monotonic clock', () => {
    const bucket = new TokenBucket(50, 3);
    expect(admitted(bucket, 5)).toBe(3);
  });
});

describe('TokenBucket.peek and isFull', () => {
  it('peek says whether a take would pass without taking; isFull once refilled to the brim', () => {
    let now = 0;
    const bucket = new TokenBucket(1, 2, () => now);
    expect(bucket.isFull()).toBe(true);
    expect([bucket.peek(), bucket.peek(), bucket.take(), bucket.take()]).toStrictEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([bucket.peek(), bucket.take(), bucket.isFull()]).toStrictEqual([false, false, false]);
    now += 1000;
    expect([bucket.peek(), bucket.isFull()]).toStrictEqual([true, false]);
    now += 1000;
    expect(bucket.isFull()).toBe(true);
  });
});
