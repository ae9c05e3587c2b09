import { describe, expect, it } from '@jest/globals';
import { defaultMaxSockets, openFileLimit } from './file-limit.js';

const limits = (soft: string) =>
  [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max processes             63459                63459                processes ',
    `Max open files            ${soft.padEnd(20)} 1048576              files     `,
  ].join('\n');

describe('the open-file limit and the default socket cap', () => {
  it('reads the soft limit from /proc/self/limits', () => {
    expect(openFileLimit(() => limits('4096'))).toBe(4096);
    expect(openFileLimit(() => limits('unlimited'))).toBeUndefined();
    expect(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });

  it('keeps a quarter of the descriptors (64 to 1024) for everything but WebSockets', () => {
    expect(defaultMaxSockets(4096)).toBe(3072);
    expect(defaultMaxSockets(1024)).toBe(768);
    expect(defaultMaxSockets(300)).toBe(225);
    expect(defaultMaxSockets(128)).toBe(64);
    expect(defaultMaxSockets(1_048_576)).toBe(1_047_552);
    expect(defaultMaxSockets(undefined)).toBe(10_000);
  });
});
