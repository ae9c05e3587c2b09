import { describe, expect, it } from '@jest/globals';
import { byPresenceThenName } from './contact-order.js';

describe('byPresenceThenName', () => {
  it('puts online contacts first, then sorts by display name, then by username', () => {
    const people = [
      { username: 'zed', displayName: 'Anna', online: false },
      { username: 'bob', displayName: 'Bob', online: true },
      { username: 'amy', displayName: 'Anna', online: false },
      { username: 'cat', displayName: 'Anna', online: true },
      { username: 'dan', displayName: 'Carl', online: false },
    ];
    expect([...people].sort(byPresenceThenName).map((p) => p.username)).toStrictEqual([
      'cat',
      'bob',
      'amy',
      'zed',
      'dan',
    ]);
  });
});
