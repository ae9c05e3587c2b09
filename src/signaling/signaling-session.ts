import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/token.service.js';
import type { AppConfig } from '../config/app-config.js';
import type { SignalingMetrics } from '../metrics/signaling-metrics.js';
import type { SessionRef } from './call-machine.types.js';
import type { ErrorCode, ServerMessage } from './protocol.js';
import type { ResumableSession } from './resume/resumable-session.js';
import type { SilenceWatch } from './resume/silence-watch.js';
import { CloseCode, SUBPROTOCOL_V2, SYSTEM_USER } from './protocol.js';
import { sentence } from './sentences.js';
import { TokenBucket } from './token-bucket.js';

/** A flood ends after this long without a dropped frame. */
const FLOOD_CALM_MS = 2000;
/** A flood that drops more frames than this, or lasts longer than FLOOD_MAX_MS, closes (1008). */
const FLOOD_CLOSE_AFTER = 250;
const FLOOD_MAX_MS = 5000;
/**
 * How long a socket closed for not reading gets to take its close frame, queued behind the unread
 * backlog, before the connection is cut and the backlog freed.
 */
const UNREAD_CLOSE_GRACE_MS = 1000;
const PING_PAYLOAD_BYTES = 8;
/** One logger for every session: a session's lines carry its fields, not a logger of its own. */
const logger = new Logger('Signaling');

/**
 * What every signaling line about a session carries: the session's id (never its resume token,
 * which would let a reader of the log take the session over) and its user.
 */
export function sessionFields(session: SessionRef): { sessionId: string; user: string } {
  return { sessionId: session.id, user: session.username };
}

/** The per-socket limits (WS_MAX_BUFFERED_BYTES, WS_MESSAGE_RATE, WS_MESSAGE_BURST). */
export type SessionLimits = Pick<
  AppConfig['signaling'],
  'maxBufferedBytes' | 'messageRate' | 'messageBurst'
>;

/** One open WebSocket of an authenticated user: its socket, its limits and its liveness. */
export class SignalingSession implements SessionRef {
  readonly id: string;
  readonly openedAt = Date.now();
  /** Pings sent since the last pong that echoed one; two unanswered and the session is dropped. */
  private unansweredPings = 0;
  /** Protocol 2 only: numbering, replay and the resume window; undefined on protocol 1. */
  private resumableHalf: ResumableSession | undefined;
  /** Protocol 2 only: drops the socket after WS_SILENCE_TIMEOUT_MS without a frame. */
  private silenceWatch: SilenceWatch | undefined;
  /** The server closed this session: its socket's close ends it (no resume window). */
  private serverClosed = false;
  /**
   * Set by the gateway: told once, when the server starts closing the session, so that the
   * session ends at once (not listed, rung or resumable) instead of when the close handshake is
   * over — which a client that stops reading holds up for ws's close timeout.
   */
  private onClosing: (() => void) | undefined;
  /**
   * With REDIS_URL: every message goes through the shared store, which numbers it, keeps it for
   * a resume on any instance, and publishes it back to the instance holding the socket (`write`).
   */
  private outbox: ((message: ServerMessage) => void) | undefined;
  /** Counts what the session is sent and its rate-limit hits (given by the gateway). */
  private sessionMetrics: SignalingMetrics | undefined;
  /** Web Push (issue 21): the page's browser is this subscribed device (push_device). */
  private device: string | undefined;
  private readonly bucket: TokenBucket;
  /** The random payload of the latest ping: only a pong that echoes it shows the client reads. */
  private pingPayload: Buffer | undefined;
  private floodStartedAt = 0;
  private lastDropAt = -Infinity;
  private dropped = 0;

  constructor(
    /** Replaced when a v2 client resumes the session on a new socket (moveTo). */
    private currentSocket: WebSocket,
    /** Replaced on resume too: the new socket's token (same account) has its own expiry. */
    private currentUser: AuthenticatedUser,
    private readonly limits: SessionLimits,
    /** A resume on another instance (REDIS_URL) continues the session under its id. */
    id: string = randomUUID(),
  ) {
    this.id = id;
    this.bucket = new TokenBucket(limits.messageRate, limits.messageBurst);
  }

  get socket(): WebSocket {
    return this.currentSocket;
  }

  get user(): AuthenticatedUser {
    return this.currentUser;
  }

  get awaitingPongs(): number {
    return this.unansweredPings;
  }

  get resumable(): ResumableSession | undefined {
    return this.resumableHalf;
  }

  get silence(): SilenceWatch | undefined {
    return this.silenceWatch;
  }

  get closedByServer(): boolean {
    return this.serverClosed;
  }

  get metrics(): SignalingMetrics | undefined {
    return this.sessionMetrics;
  }

  /** The gateway that opens the session counts its traffic here. */
  /** The subscribed device this page's browser is (push_device), if it said so. */
  get pushDevice(): string | undefined {
    return this.device;
  }

  /** The page named its browser's push subscription (or none): a call rings here, not by push. */
  nameDevice(device: string | undefined): void {
    this.device = device;
  }

  /** Tells `closing` once, when the server starts closing this session. */
  whenClosing(closing: () => void): void {
    this.onClosing = closing;
  }

  reportTo(metrics: SignalingMetrics): void {
    this.sessionMetrics = metrics;
  }

  /** Protocol 2: from now on every message is numbered and kept for a resume. */
  makeResumable(resumable: ResumableSession): void {
    this.resumableHalf = resumable;
  }

  /** Watches the current socket for silence; a previous socket's watch is stopped. */
  watchSilence(watch: SilenceWatch): void {
    this.silenceWatch?.stop();
    this.silenceWatch = watch;
  }

  /** With REDIS_URL: every message goes to the shared store instead of the socket (see field). */
  sendThrough(outbox: (message: ServerMessage) => void): void {
    this.outbox = outbox;
  }

  /** A resume moved the session onto a new socket, with that socket's token; liveness restarts. */
  moveTo(socket: WebSocket, user: AuthenticatedUser): void {
    this.currentSocket = socket;
    this.currentUser = user;
    this.unansweredPings = 0;
  }

  /**
   * A ping with a fresh random payload; false instead when the last two went unanswered (the
   * caller drops the session).
   */
  ping(): boolean {
    if (this.unansweredPings >= 2) {
      return false;
    }
    this.unansweredPings += 1;
    this.pingPayload = randomBytes(PING_PAYLOAD_BYTES);
    this.socket.ping(this.pingPayload);
    return true;
  }

  /**
   * Only a pong that echoes the latest ping counts. Anyone can send pongs without reading a byte
   * (RFC 6455 allows unsolicited ones); an echo proves the client read the ping.
   */
  pong(payload: Buffer): void {
    if (this.pingPayload?.equals(payload)) {
      this.unansweredPings = 0;
      this.pingPayload = undefined;
    }
  }

  /** Protocol 2 once it asked for the subprotocol (or resumed), else 1 (call waiting asks). */
  get protocol(): 1 | 2 {
    return this.resumable !== undefined || this.socket.protocol === SUBPROTOCOL_V2 ? 2 : 1;
  }

  get username(): string {
    return this.user.username;
  }

  send(message: ServerMessage): void {
    if (message.type === 'error') {
      logger.debug({ msg: 'error sent', ...sessionFields(this), code: message.code });
    }
    this.sessionMetrics?.sent(message);
    if (this.outbox) {
      return this.outbox(message);
    }
    // v2 numbers and keeps every message, also while away (no open socket), for the replay.
    this.write(this.resumableHalf ? this.resumableHalf.record(message) : JSON.stringify(message));
  }

  /** Writes a frame as it is (a v2 frame already carries its `seq`). */
  write(frame: string): void {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(frame);
      if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
        this.closeUnread();
      }
    }
  }

  /** An error reply; `msg` defaults to the code's standard sentence. */
  sendError(code: ErrorCode, msg = sentence(code, this.username)): void {
    this.send({ type: 'error', fromUser: SYSTEM_USER, toUser: this.username, code, msg });
  }

  close(code: number, reason: string): void {
    logger.log({ msg: 'closing socket', ...sessionFields(this), code, reason });
    const first = !this.serverClosed;
    this.serverClosed = true;
    if (this.resumableHalf?.away) {
      this.resumableHalf.closeWhileAway(); // no socket to close: the session ends at once
    } else {
      this.resumableHalf?.closing(); // ends with the socket's close: not resumable meanwhile
      this.socket.close(code, reason);
    }
    if (first) {
      this.onClosing?.();
    }
  }

  /**
   * The client does not read what it is sent, or not fast enough: rather than hold a growing
   * backlog, the session ends like a dropped connection (the peer of a call hears
   * `disconnected`). The close frame (1013) queues behind the backlog, so unless the client
   * catches up at once the connection is cut and the backlog freed.
   */
  private closeUnread(): void {
    const socket = this.socket;
    this.close(CloseCode.TRY_AGAIN_LATER, 'Too much unread data; reconnect');
    setTimeout(() => socket.terminate(), UNREAD_CLOSE_GRACE_MS).unref();
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
    this.sessionMetrics?.rateLimited('ws_messages');
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
