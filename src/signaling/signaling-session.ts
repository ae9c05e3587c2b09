import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/token.service.js';
import type { SessionRef } from './call-machine.types.js';
import type { ErrorCode, ServerMessage } from './protocol.js';
import { SYSTEM_USER } from './protocol.js';
import { TokenBucket } from './token-bucket.js';

const RATE_PER_SECOND = 50;
const RATE_BURST = 200;
/** Past this many dropped frames within one flood window, the session is closed (1008). */
export const FLOOD_CLOSE_AFTER = 250;
const FLOOD_WINDOW_MS = 10_000;

/** One open WebSocket of an authenticated user: its socket, its limits and its liveness. */
export class SignalingSession implements SessionRef {
  readonly id = randomUUID();
  readonly openedAt = Date.now();
  /** Pings sent since the last pong; two unanswered and the session is dropped. */
  awaitingPongs = 0;
  /** The token expired during a call: close (4001) when the call ends. */
  closeAfterCall = false;
  expiryTimer: NodeJS.Timeout | undefined;
  private readonly bucket = new TokenBucket(RATE_PER_SECOND, RATE_BURST);
  private floodWindowStart = 0;
  private dropped = 0;

  constructor(
    readonly socket: WebSocket,
    readonly user: AuthenticatedUser,
  ) {}

  get username(): string {
    return this.user.username;
  }

  send(message: ServerMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  sendError(code: ErrorCode, msg: string): void {
    this.send({ type: 'error', fromUser: SYSTEM_USER, toUser: this.username, code, msg });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /**
   * Whether this frame may be handled. Over the rate the frame is dropped; the first drop of a
   * flood window is answered with `rate_limited`, and a session that keeps flooding is closed.
   */
  admit(): boolean {
    if (this.bucket.take()) {
      return true;
    }
    const now = Date.now();
    if (now - this.floodWindowStart > FLOOD_WINDOW_MS) {
      this.floodWindowStart = now;
      this.dropped = 0;
    }
    this.dropped += 1;
    if (this.dropped === 1) {
      this.sendError('rate_limited', 'Too many messages; slow down.');
    } else if (this.dropped > FLOOD_CLOSE_AFTER) {
      this.close(1008, 'Message rate limit exceeded');
    }
    return false;
  }
}
