import { describe, expect, it } from '@jest/globals';
import { VerifiedTokens } from './verified-tokens.js';

describe('VerifiedTokens', () => {
  it('gives back what a token said until it expires, then forgets it', () => {
    let now = 1_000;
    const tokens = new VerifiedTokens<{ expiresAt: number; user: string }>(10, () => now);
    tokens.add('t1', { expiresAt: 2_000, user: 'alice' });
    expect(tokens.get('t1')).toStrictEqual({ expiresAt: 2_000, user: 'alice' });
    expect(tokens.get('t2')).toBeUndefined();
    now = 1_999;
    expect(tokens.get('t1')?.user).toBe('alice');
    now = 2_000; // jsonwebtoken: expired once the clock reaches exp
    expect(tokens.get('t1')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('keeps at most `capacity` tokens, dropping the oldest first', () => {
    const tokens = new VerifiedTokens<{ expiresAt: number }>(2, () => 0);
    tokens.add('a', { expiresAt: 1 });
    tokens.add('b', { expiresAt: 1 });
    tokens.add('b', { expiresAt: 1 }); // again: no room needed
    expect(tokens.get('a')).toBeDefined();
    tokens.add('c', { expiresAt: 1 });
    expect(tokens.get('a')).toBeUndefined();
    expect(tokens.get('b')).toBeDefined();
    expect(tokens.get('c')).toBeDefined();
    expect(tokens.size).toBe(2);
  });
});
