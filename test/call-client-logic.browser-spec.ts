// The browser client's DOM-free parts, checked in Node; they ship in public/js/call-page.js.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCallDuration } from '../client/call/duration.js';
import { reconnectDelayMs } from '../client/signaling/backoff.js';

describe('reconnectDelayMs', () => {
  it('doubles from half a second and stops growing at 15 s', () => {
    const lowest = (attempt: number) => reconnectDelayMs(attempt, () => 0);
    const highest = (attempt: number) => reconnectDelayMs(attempt, () => 1);
    assert.deepEqual([0, 1, 2, 3].map(highest), [500, 1000, 2000, 4000]);
    assert.equal(highest(10), 15_000);
    assert.equal(highest(1000), 15_000);
    // Jitter spreads each wait over its upper half: never an immediate retry, never in step.
    assert.deepEqual([0, 1, 10].map(lowest), [250, 500, 7500]);
  });
});

describe('formatCallDuration', () => {
  it('shows minutes and seconds, and hours once there are any', () => {
    assert.equal(formatCallDuration(0), '00:00');
    assert.equal(formatCallDuration(102_999), '01:42');
    assert.equal(formatCallDuration(3_723_000), '1:02:03');
    assert.equal(formatCallDuration(-5), '00:00');
  });
});
