import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { RedisKeys, luaKeyFunctions } from './keys.js';

const LUA_DIR = new URL('./lua/', import.meta.url);
const luaFiles = readdirSync(LUA_DIR).filter((file) => file.endsWith('.lua'));

describe('RedisKeys', () => {
  it('builds every key from the prefix', () => {
    const keys = new RedisKeys('dt:');
    expect(keys.id.session('s1')).toBe('dt:s:s1');
    expect(keys.id.channel('s1')).toBe('dt:ch:s1');
    expect(keys.id.userSessions('bob')).toBe('dt:us:bob');
    expect(keys.one.online).toBe('dt:online');
    expect(keys.one.bus).toBe('dt:bus');
    expect(keys.rateBucket('search', '10.0.0.1')).toBe('dt:rl:search:10.0.0.1');
    expect(keys.loginFailures('Bob', '10.0.0.1')).toBe('dt:login:bob\n10.0.0.1');
    expect(keys.resumeFailures('Bob', '10.0.0.1')).toBe('dt:rt:bob\n10.0.0.1');
    expect(keys.callStartBucket('alice')).toBe('dt:cs:alice');
    expect(keys.callStartBucket('alice', 'bob')).toBe('dt:cs:alice\nbob');
    expect(keys.callCooldown('alice', 'bob')).toBe('dt:cd:alice\nbob');
    expect(keys.id.userWaiting('bob')).toBe('dt:uw:bob');
  });

  it('gives the scripts the same layout, as k_<name>(id) and K_<NAME>', () => {
    const lua = luaKeyFunctions();
    expect(lua.split('\n')[0]).toBe('local P = ARGV[1]');
    expect(lua).toContain("local function k_user_sessions(id) return P .. 'us:' .. id end");
    expect(lua).toContain("local K_ONLINE = P .. 'online'");
  });

  it('no .lua file spells a key itself; every key it names is one keys.ts defines', () => {
    const defined = new Set([...luaKeyFunctions().matchAll(/\b(k_\w+|K_\w+)\b/g)].map((m) => m[1]));
    expect(luaFiles.length).toBeGreaterThan(10);
    for (const file of luaFiles) {
      const text = readFileSync(new URL(file, LUA_DIR), 'utf8');
      expect({ file, spelled: /\bP \.\./.test(text) }).toStrictEqual({ file, spelled: false });
      for (const [name] of text.matchAll(/\b(?:k_[a-z_]+(?=\()|K_[A-Z_]+)\b/g)) {
        expect({ file, name, defined: defined.has(name) }).toStrictEqual({
          file,
          name,
          defined: true,
        });
      }
    }
  });
});
