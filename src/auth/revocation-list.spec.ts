import { describe, expect, it } from '@jest/globals';
import { RevocationList } from './revocation-list.js';

const token = (tokenId: string, generation = 0, id = 'u1') => ({
  tokenId,
  id,
  generation,
  expiresAt: 10_000,
});

describe('RevocationList', () => {
  it('revokes one token by its id, once', () => {
    const list = new RevocationList();
    expect(list.revoke('t1', 10_000)).toBe(true);
    expect(list.revoke('t1', 10_000)).toBe(false);
    expect(list.isRevoked(token('t1'))).toBe(true);
    expect(list.isRevoked(token('t2'))).toBe(false);
  });

  it('revokes every token of an account below its generation, and only that account', () => {
    const list = new RevocationList();
    list.setGeneration('u1', 2);
    expect(list.isRevoked(token('a', 0))).toBe(true);
    expect(list.isRevoked(token('b', 1))).toBe(true);
    expect(list.isRevoked(token('c', 2))).toBe(false);
    expect(list.isRevoked(token('d', 0, 'u2'))).toBe(false);
    list.setGeneration('u1', 1); // an older value arriving late never un-revokes
    expect(list.isRevoked(token('b', 1))).toBe(true);
  });

  it('forgets tokens once they have expired anyway', () => {
    const list = new RevocationList();
    list.revoke('old', 5_000);
    list.revoke('new', 20_000);
    list.sweep(5_000);
    expect(list.size).toBe(1);
    expect(list.isRevoked(token('new'))).toBe(true);
  });
});
