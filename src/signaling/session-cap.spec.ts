import { describe, expect, it } from '@jest/globals';
import { sessionCapVictims } from './session-cap.js';

const sessions = (...ids: string[]) => ids.map((id) => ({ id, username: 'alice' }));
const ids = (list: { id: string }[]) => list.map((s) => s.id);

describe('sessionCapVictims', () => {
  it('within the cap nobody gives way', () => {
    const all = sessions('a', 'b');
    expect(sessionCapVictims(all, all[1], 2, () => false)).toStrictEqual([]);
  });

  it('under the cap nobody gives way either, however many sessions are idle', () => {
    const all = sessions('a', 'b', 'c', 'd');
    expect(sessionCapVictims(all, all[3], 5, () => false)).toStrictEqual([]);
    expect(sessionCapVictims(all, all[3], 10, () => false)).toStrictEqual([]);
  });

  it('over it, the oldest sessions not in a call give way, as many as are over', () => {
    const all = sessions('a', 'b', 'c', 'd');
    const inCall = (s: { id: string }) => s.id === 'a';
    expect(ids(sessionCapVictims(all, all[3], 3, inCall))).toStrictEqual(['b']);
    expect(ids(sessionCapVictims(all, all[3], 2, inCall))).toStrictEqual(['b', 'c']);
  });

  it('when too few others are idle, the newest gives way too', () => {
    const all = sessions('a', 'b');
    expect(ids(sessionCapVictims(all, all[1], 1, (s) => s.id === 'a'))).toStrictEqual(['b']);
    const three = sessions('a', 'b', 'c');
    expect(ids(sessionCapVictims(three, three[2], 1, (s) => s.id === 'a'))).toStrictEqual([
      'b',
      'c',
    ]);
  });
});
