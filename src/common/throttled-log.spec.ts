import { describe, expect, it } from '@jest/globals';
import { ThrottledLog } from './throttled-log.js';

describe('ThrottledLog', () => {
  it('writes the first lines of a window, then counts the rest and reports them once', () => {
    let now = 0;
    const written: string[] = [];
    const log = new ThrottledLog(
      (line) => written.push(line),
      3,
      60_000,
      () => now,
    );
    for (let n = 1; n <= 1000; n += 1) {
      log.line(`refused ${n}`);
    }
    expect(written).toStrictEqual(['refused 1', 'refused 2', 'refused 3']);
    now += 60_000;
    log.line('refused later');
    expect(written.slice(3)).toStrictEqual([
      '997 more like this were not logged in the last 60 s',
      'refused later',
    ]);
    now += 60_000;
    log.line('quiet again');
    expect(written.slice(5)).toStrictEqual(['quiet again']);
  });
});
