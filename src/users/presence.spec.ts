import { describe, expect, it } from '@jest/globals';
import { LocalPresence } from './presence.js';

describe('LocalPresence', () => {
  it('reports a change only when the first session opens and when the last one closes', () => {
    const presence = new LocalPresence();
    const changes: string[] = [];
    presence.onChange((username) => changes.push(`${username}:${presence.isOnline(username)}`));
    presence.sessionOpened('alice');
    presence.sessionOpened('alice');
    presence.sessionOpened('bob');
    presence.sessionClosed('alice');
    expect(presence.isOnline('alice')).toBe(true);
    presence.sessionClosed('alice');
    presence.sessionClosed('alice'); // a stray close changes nothing
    expect(changes).toStrictEqual(['alice:true', 'bob:true', 'alice:false']);
    expect(presence.isOnline('alice')).toBe(false);
    expect(presence.isOnline('bob')).toBe(true);
  });
});
