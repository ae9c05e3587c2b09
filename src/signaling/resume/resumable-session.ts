import type { Timers } from '../call-machine.types.js';
import type { ServerMessage } from '../protocol.js';
import type { ReplayBuffer } from './replay-buffer.js';
import { ResumeToken, tokenMatches } from './resume-token.js';

/** Why a session that was waiting for its client ends after all. */
export type LapseReason =
  /** RESUME_WINDOW_MS passed without a resume. */
  | 'window_over'
  /** More was sent to it while away than the replay buffer holds. */
  | 'overflow'
  /** The server closed it while away (token expiry, logout, session cap, shutdown). */
  | 'closed';

export interface ResumableSessionDeps {
  buffer: ReplayBuffer;
  timers: Timers;
  windowMs: number;
  /** The session must end now, by today's rules (its peer is hung up as `disconnected`). */
  lapsed(reason: LapseReason): void;
}

/** What a successful resume hands the new socket. */
export interface Resumption {
  /** The next token; the one just presented no longer works. */
  token: string;
  /** The frames the client has not handled, in order, each exactly once. */
  missed: string[];
}

/**
 * The protocol 2 half of a session, without any socket: it numbers every message (`seq`), keeps
 * the latest for replay, holds the resume token's hash, and runs the resume window while the
 * client is away. Timers are injected, so the window rules run on a fake clock in unit tests and
 * on a shared timer store on Redis.
 */
export class ResumableSession {
  private seq = 0;
  private tokenHash: Buffer = Buffer.alloc(0);
  /** While away: the last `seq` sent before the socket dropped; everything after it is unseen. */
  private awayAfterSeq: number | undefined;
  private window: unknown;
  /** Set once the session is ending: nothing more is kept and no resume succeeds. */
  private lapsing = false;

  constructor(private readonly deps: ResumableSessionDeps) {}

  get lastSeq(): number {
    return this.seq;
  }

  get away(): boolean {
    return this.awayAfterSeq !== undefined;
  }

  /** A new resume token; the previous one stops working. */
  issueToken(): string {
    const issued = ResumeToken.issue();
    this.tokenHash = issued.hash;
    return issued.token;
  }

  /** Whether `token` is this session's current one (whether it can still be resumed is apart). */
  accepts(token: string): boolean {
    return tokenMatches(this.tokenHash, token);
  }

  /** Numbers `message`, keeps it for replay, and returns the frame to send (if a socket is open). */
  record(message: ServerMessage): string {
    this.seq += 1;
    const frame = JSON.stringify({ ...message, seq: this.seq });
    if (this.lapsing) {
      return frame;
    }
    this.deps.buffer.append(this.seq, frame);
    if (this.awayAfterSeq !== undefined && !this.holdsAfter(this.awayAfterSeq)) {
      // Something the client never saw is gone: a resume could no longer be exact. Deferred,
      // because this runs inside the call machine's own send.
      this.lapse('overflow', true);
    }
    return frame;
  }

  /** The socket dropped unexpectedly: the window starts. */
  leave(): void {
    if (this.awayAfterSeq !== undefined || this.lapsing) {
      return;
    }
    this.awayAfterSeq = this.seq;
    this.window = this.deps.timers.set(this.deps.windowMs, () => {
      this.window = undefined;
      this.lapse('window_over', false);
    });
  }

  /**
   * A client with a valid token is back, having handled everything up to `lastSeq`. Undefined
   * when that cannot be continued exactly: the session is ending or closing, `lastSeq` was never
   * sent, or frames after it are no longer held.
   */
  resume(lastSeq: number): Resumption | undefined {
    if (this.lapsing || lastSeq > this.seq || !this.holdsAfter(lastSeq)) {
      return undefined;
    }
    this.stopWindow();
    this.awayAfterSeq = undefined;
    return { token: this.issueToken(), missed: this.deps.buffer.after(lastSeq) };
  }

  /**
   * The server is closing the session's socket (logout, expiry, session cap, a client that does
   * not read): its close ends the session, so no resume may take it over meanwhile. A client that
   * stops reading never completes the close handshake, and its session would otherwise be
   * resumable as a zombie that nothing reaches until ws gives up on the handshake.
   */
  closing(): void {
    this.lapsing = true;
    this.stopWindow();
  }

  /** The server ends the session while its client is away (there is no socket to close). */
  closeWhileAway(): void {
    this.lapse('closed', true); // the caller may be walking the registry
  }

  /** The session has ended: frees the window and the buffer. */
  end(): void {
    this.lapsing = true;
    this.stopWindow();
    this.deps.buffer.clear();
  }

  /** Whether every frame after `seq` is still held. */
  private holdsAfter(seq: number): boolean {
    return seq >= this.seq || (this.deps.buffer.oldestSeq ?? Infinity) <= seq + 1;
  }

  private lapse(reason: LapseReason, deferred: boolean): void {
    if (this.lapsing) {
      return;
    }
    this.lapsing = true;
    this.stopWindow();
    if (deferred) {
      this.deps.timers.set(0, () => this.deps.lapsed(reason));
    } else {
      this.deps.lapsed(reason);
    }
  }

  private stopWindow(): void {
    if (this.window !== undefined) {
      this.deps.timers.clear(this.window);
      this.window = undefined;
    }
  }
}
