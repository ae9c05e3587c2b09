import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { nodeTimers } from '../node-timers.js';
import type { ServerMessage } from '../protocol.js';
import { MemoryReplayBuffer } from './replay-buffer.js';
import { type LapseReason, ResumableSession } from './resumable-session.js';

const WINDOW_MS = 30_000;

function error(n: number, msg = `#${n}`): ServerMessage {
  return { type: 'error', fromUser: 'system', toUser: 'bob', code: 'bad_request', msg };
}

function seqs(frames: readonly string[]): number[] {
  return frames.map((frame) => (JSON.parse(frame) as { seq: number }).seq);
}

describe('ResumableSession (fake timers)', () => {
  let lapses: LapseReason[];

  beforeEach(() => {
    jest.useFakeTimers();
    lapses = [];
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function session(limits = { messages: 256, bytes: 256 * 1024 }): ResumableSession {
    return new ResumableSession({
      buffer: new MemoryReplayBuffer(limits),
      timers: nodeTimers,
      windowMs: WINDOW_MS,
      lapsed: (reason) => lapses.push(reason),
    });
  }

  it('numbers every message 1, 2, 3… inside the frame it sends', () => {
    const s = session();
    expect(JSON.parse(s.record(error(1)))).toStrictEqual({ ...error(1), seq: 1 });
    expect(JSON.parse(s.record(error(2)))).toMatchObject({ seq: 2 });
    expect(s.lastSeq).toBe(2);
  });

  it('issues a fresh token on every resume; only the latest works', () => {
    const s = session();
    const first = s.issueToken();
    expect(first).toMatch(/^[\w-]{43}$/); // 256 bits, base64url
    expect(s.accepts(first)).toBe(true);
    expect(s.accepts(`${first}x`)).toBe(false);
    const second = s.resume(0)?.token;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(s.accepts(first)).toBe(false);
    expect(s.accepts(second!)).toBe(true);
  });

  it('replays, in order and once, exactly what came after lastSeq, and carries on numbering', () => {
    const s = session();
    for (let n = 1; n <= 5; n += 1) {
      s.record(error(n));
    }
    s.leave();
    s.record(error(6));
    expect(seqs(s.resume(3)!.missed)).toStrictEqual([4, 5, 6]);
    expect(JSON.parse(s.record(error(7)))).toMatchObject({ seq: 7 });
    s.leave();
    expect(seqs(s.resume(7)!.missed)).toStrictEqual([]);
  });

  it('refuses a lastSeq that was never sent', () => {
    const s = session();
    s.record(error(1));
    expect(s.resume(2)).toBeUndefined();
  });

  it('the window: lapses when it runs out, not a millisecond before; a resume stops it', () => {
    const s = session();
    s.leave();
    expect(s.away).toBe(true);
    jest.advanceTimersByTime(WINDOW_MS - 1);
    expect(lapses).toStrictEqual([]);
    expect(s.resume(0)).toBeDefined();
    expect(s.away).toBe(false);
    jest.advanceTimersByTime(WINDOW_MS * 2);
    expect(lapses).toStrictEqual([]);

    s.leave();
    jest.advanceTimersByTime(WINDOW_MS);
    expect(lapses).toStrictEqual(['window_over']);
    expect(s.resume(0)).toBeUndefined(); // over: a late resume cannot win
    expect(s.accepts(s.issueToken())).toBe(true); // not even with the right token:
    expect(s.resume(0)).toBeUndefined(); // the resumer answers "expired", not "unknown"
  });

  it('a session whose socket the server is closing cannot be resumed, nor wait in a window', () => {
    const s = session();
    s.closing();
    expect(s.resume(0)).toBeUndefined();
    s.leave(); // the close arrives: no window starts
    expect(s.away).toBe(false);
    jest.advanceTimersByTime(WINDOW_MS * 2);
    expect(lapses).toStrictEqual([]);
  });

  it('a second drop restarts the window from that drop', () => {
    const s = session();
    s.leave();
    jest.advanceTimersByTime(WINDOW_MS - 100);
    s.resume(0);
    s.leave();
    jest.advanceTimersByTime(WINDOW_MS - 1);
    expect(lapses).toStrictEqual([]);
    jest.advanceTimersByTime(1);
    expect(lapses).toStrictEqual(['window_over']);
  });

  it('the bound: 256 messages sent while away are kept; one more ends the session (deferred)', () => {
    const s = session({ messages: 256, bytes: 1024 * 1024 });
    s.record(error(0));
    s.leave();
    for (let n = 1; n <= 256; n += 1) {
      s.record(error(n));
    }
    jest.advanceTimersByTime(0);
    expect(lapses).toStrictEqual([]);
    // The message from before the drop made room; every unseen one is still there.
    expect(seqs(s.resume(1)!.missed)).toHaveLength(256);
    s.leave();
    for (let n = 1; n <= 257; n += 1) {
      s.record(error(n));
    }
    expect(lapses).toStrictEqual([]); // not inside the sender's own call
    jest.advanceTimersByTime(0);
    expect(lapses).toStrictEqual(['overflow']);
  });

  it('the bound in bytes: an away session that is sent more than the byte limit ends', () => {
    const s = session({ messages: 256, bytes: 2048 });
    s.leave();
    const big = error(1, 'x'.repeat(900));
    s.record(big);
    s.record(big);
    jest.advanceTimersByTime(0);
    expect(lapses).toStrictEqual([]);
    s.record(big);
    jest.advanceTimersByTime(0);
    expect(lapses).toStrictEqual(['overflow']);
  });

  it('while connected the buffer keeps only the latest; a resume that needs more fails', () => {
    const s = session({ messages: 4, bytes: 1024 * 1024 });
    for (let n = 1; n <= 10; n += 1) {
      s.record(error(n));
    }
    expect(lapses).toStrictEqual([]);
    expect(s.resume(5)).toBeUndefined(); // seq 6 is gone: no exact replay possible
    expect(seqs(s.resume(6)!.missed)).toStrictEqual([7, 8, 9, 10]);
  });

  it('closed by the server while away: ends at once through the same path', () => {
    const s = session();
    s.leave();
    s.closeWhileAway();
    jest.advanceTimersByTime(0);
    expect(lapses).toStrictEqual(['closed']);
    jest.advanceTimersByTime(WINDOW_MS);
    expect(lapses).toStrictEqual(['closed']); // the window does not lapse it again
  });

  it('end() frees the window and the buffer', () => {
    const s = session();
    s.record(error(1));
    s.leave();
    s.end();
    jest.advanceTimersByTime(WINDOW_MS);
    expect(lapses).toStrictEqual([]);
    expect(s.resume(0)).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });
});
