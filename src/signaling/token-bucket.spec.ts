import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
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
    assert.equal(admitted(bucket, 200), 200);
    assert.equal(bucket.take(), false);
    assert.equal(bucket.take(), false);
  });

  it('refills at `rate` per second once empty', () => {
    const bucket = new TokenBucket(50, 200, clock);
    admitted(bucket, 200);
    now += 20; // 50/s: one token every 20 ms
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    now += 10; // half a token
    assert.equal(bucket.take(), false);
    now += 10; // the other half: refused takes do not waste the refill
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    now += 1000;
    assert.equal(admitted(bucket, 100), 50);
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
    assert.equal(ok, 500);
  });

  it('never holds more than `burst`, however long it was idle', () => {
    const bucket = new TokenBucket(50, 200, clock);
    now += 3_600_000;
    assert.equal(admitted(bucket, 1000), 200);
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
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    now += 499;
    assert.equal(bucket.take(), false);
    now += 1;
    assert.equal(bucket.take(), true);
  });

  it('defaults to a real monotonic clock', () => {
    const bucket = new TokenBucket(50, 3);
    assert.equal(admitted(bucket, 5), 3);
  });
});
