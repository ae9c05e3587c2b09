import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/token.service.js';
import type { SessionRef } from './call-machine.types.js';
import type { ErrorCode, ServerMessage } from './protocol.js';
import { SYSTEM_USER } from './protocol.js';
import { sentence } from './sentences.js';
import { TokenBucket } from './token-bucket.js';

const RATE_PER_SECOND = 50;
const RATE_BURST = 200;
/** A flood ends after this long without a dropped frame. */
const FLOOD_CALM_MS = 2000;
/** A flood that drops more frames than this, or lasts longer than FLOOD_MAX_MS, closes (1008). */
const FLOOD_CLOSE_AFTER = 250;
const FLOOD_MAX_MS = 5000;

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
  private floodStartedAt = 0;
  private lastDropAt = -Infinity;
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

  /** An error reply; `msg` defaults to the code's standard sentence. */
  sendError(code: ErrorCode, msg = sentence(code, this.username)): void {
    this.send({ type: 'error', fromUser: SYSTEM_USER, toUser: this.username, code, msg });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /**
   * Whether this frame may be handled. Over the rate the frame is dropped. The first drop of a
   * flood is answered with `rate_limited`; a session that keeps flooding (more than
   * FLOOD_CLOSE_AFTER drops, or still over the rate FLOOD_MAX_MS after the flood began, with no
   * calm FLOOD_CALM_MS in between) is closed with 1008.
   */
  admit(): boolean {
    if (this.bucket.take()) {
      return true;
    }
    const now = Date.now();
    if (now - this.lastDropAt > FLOOD_CALM_MS) {
      this.floodStartedAt = now;
      this.dropped = 0;
      this.sendError('rate_limited');
    }
    this.lastDropAt = now;
    this.dropped += 1;
    if (this.dropped > FLOOD_CLOSE_AFTER || now - this.floodStartedAt > FLOOD_MAX_MS) {
      this.close(1008, 'Message rate limit exceeded');
    }
    return false;
  }
}
