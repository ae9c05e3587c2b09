import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { SignalingSession, type SessionLimits } from './signaling-session.js';

/** The part of a `ws` socket a session uses; `bufferedAmount` grows with what is sent. */
class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly pings: Buffer[] = [];
  closedWith: number | undefined;
  terminated = false;

  send(data: string): void {
    this.sent.push(data);
    this.bufferedAmount += Buffer.byteLength(data);
  }

  ping(payload: Buffer): void {
    this.pings.push(payload);
  }

  close(code: number): void {
    this.readyState = WebSocket.CLOSING;
    this.closedWith = code;
  }

  terminate(): void {
    this.terminated = true;
  }
}

const alice = {
  id: 'u-alice',
  username: 'alice',
  displayName: 'Alice',
  expiresAt: Date.now() + 3_600_000,
} as AuthenticatedUser;
const limits: SessionLimits = { maxBufferedBytes: 10_000, messageRate: 5, messageBurst: 3 };

function session(socket: FakeSocket, overrides: Partial<SessionLimits> = {}): SignalingSession {
  return new SignalingSession(socket as unknown as WebSocket, alice, { ...limits, ...overrides });
}

function offer(bytes: number) {
  return { type: 'offer', fromUser: 'bob', toUser: 'alice', callId: 'c', sdp: 'x'.repeat(bytes) };
}

describe('SignalingSession', () => {
  describe('outbound cap (WS_MAX_BUFFERED_BYTES)', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('sends while the unread backlog stays under the cap', () => {
      const socket = new FakeSocket();
      const s = session(socket);
      for (let i = 0; i < 4; i++) {
        s.send(offer(2000) as never);
      }
      expect(socket.sent).toHaveLength(4);
      expect(socket.closedWith).toBe(undefined);
    });

    it('closes with 1013 once the backlog passes the cap, sends nothing more, cuts the connection after a grace', () => {
      const socket = new FakeSocket();
      const s = session(socket);
      for (let i = 0; i < 10; i++) {
        s.send(offer(3000) as never);
      }
      // The fourth message took the backlog past 10,000 bytes; nothing was queued after it.
      expect(socket.sent).toHaveLength(4);
      expect(socket.closedWith).toBe(1013);
      expect(socket.terminated).toBe(false);
      jest.advanceTimersByTime(1000);
      expect(socket.terminated).toBe(true);
    });

    it('counts what the client has read: a backlog that drains never trips the cap', () => {
      const socket = new FakeSocket();
      const s = session(socket);
      for (let i = 0; i < 100; i++) {
        s.send(offer(3000) as never);
        socket.bufferedAmount = 0; // the client read it
      }
      expect(socket.sent).toHaveLength(100);
      expect(socket.closedWith).toBe(undefined);
    });
  });

  describe('liveness', () => {
    it('pings with a fresh random payload each time', () => {
      const socket = new FakeSocket();
      const s = session(socket);
      expect(s.ping()).toBe(true);
      s.pong(socket.pings[0]);
      expect(s.ping()).toBe(true);
      expect(socket.pings).toHaveLength(2);
      expect(socket.pings[0].length).toBeGreaterThanOrEqual(8);
      expect(socket.pings[0].equals(socket.pings[1])).toBe(false);
    });

    it('is dropped (ping() false) after two pings without an echoing pong', () => {
      const s = session(new FakeSocket());
      expect([s.ping(), s.ping(), s.ping()]).toStrictEqual([true, true, false]);
    });

    it('counts only a pong that echoes the latest ping', () => {
      const socket = new FakeSocket();
      const s = session(socket);
      s.pong(Buffer.alloc(0)); // unsolicited, before any ping
      s.ping();
      s.pong(Buffer.alloc(0)); // unsolicited, empty
      s.pong(Buffer.from('not the payload'));
      s.ping();
      s.pong(socket.pings[0]); // an echo of an older ping
      expect(s.ping()).toBe(false);
    });

    it('a matching pong resets the count, once', () => {
      const socket = new FakeSocket();
      const s = session(socket);
      s.ping();
      s.ping();
      s.pong(socket.pings[1]);
      expect(s.awaitingPongs).toBe(0);
      s.ping();
      s.pong(socket.pings[1]); // replaying the same echo proves nothing new
      s.ping();
      expect(s.ping()).toBe(false);
    });
  });

  it('admits WS_MESSAGE_BURST frames at once, then WS_MESSAGE_RATE a second', () => {
    const socket = new FakeSocket();
    const s = session(socket);
    expect([s.admit(), s.admit(), s.admit(), s.admit()]).toStrictEqual([true, true, true, false]);
    expect(JSON.parse(socket.sent[0]) as object).toMatchObject({ code: 'rate_limited' });
  });
});
