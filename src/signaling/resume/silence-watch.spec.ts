import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { nodeTimers } from '../node-timers.js';
import { SilenceWatch } from './silence-watch.js';

describe('SilenceWatch (fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fires after 25 s without a frame, and not while frames keep coming', () => {
    let silent = 0;
    const watch = new SilenceWatch(nodeTimers, 25_000, () => (silent += 1));
    for (let i = 0; i < 10; i += 1) {
      jest.advanceTimersByTime(10_000); // a ping every 10 s
      watch.heard();
    }
    expect(silent).toBe(0);
    jest.advanceTimersByTime(24_999);
    expect(silent).toBe(0);
    jest.advanceTimersByTime(1);
    expect(silent).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stop() disarms it', () => {
    let silent = 0;
    const watch = new SilenceWatch(nodeTimers, 25_000, () => (silent += 1));
    watch.stop();
    jest.advanceTimersByTime(60_000);
    expect(silent).toBe(0);
  });
});
