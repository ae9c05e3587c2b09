import type {
  ControlRequest,
  ResumedMessage,
  ServerFrame,
  WelcomeMessage,
} from '../../src/signaling/protocol.js';

interface Resumable {
  sessionId: string;
  resumeToken: string;
  windowMs: number;
}

/** What a reloaded tab needs to continue its session on a new socket (kept in sessionStorage). */
export interface ResumeSnapshot extends Resumable {
  lastSeq: number;
}

/**
 * What the page keeps of its protocol 2 session so that a new socket can continue it: the id, the
 * current token, the window, and the `seq` of the last message handled (a replayed message the page
 * already handled is dropped, so each is handled exactly once).
 */
export class SessionResume {
  private session: Resumable | undefined;
  private lastSeq = 0;
  private awaySince: number | undefined;

  /** The first frame of a new socket: `resume` while there is a session to continue, else `ping`. */
  opening(): ControlRequest {
    const session = this.session;
    return session
      ? {
          type: 'resume',
          sessionId: session.sessionId,
          resumeToken: session.resumeToken,
          lastSeq: this.lastSeq,
        }
      : { type: 'ping' };
  }

  /** False for a message already handled (its `seq` is not past the last one). */
  fresh(frame: ServerFrame): boolean {
    if (!('seq' in frame) || frame.seq === undefined) {
      return true;
    }
    if (frame.seq <= this.lastSeq) {
      return false;
    }
    this.lastSeq = frame.seq;
    return true;
  }

  welcomed(welcome: WelcomeMessage): void {
    this.awaySince = undefined;
    this.session =
      welcome.resumeToken === undefined
        ? undefined
        : {
            sessionId: welcome.sessionId,
            resumeToken: welcome.resumeToken,
            windowMs: welcome.resumeWindowMs ?? 0,
          };
  }

  resumed(message: ResumedMessage): void {
    this.awaySince = undefined;
    if (this.session) {
      this.session.resumeToken = message.resumeToken;
    }
  }

  /** The session as it stands, for a reload of this tab; undefined on protocol 1 or none yet. */
  snapshot(): ResumeSnapshot | undefined {
    return this.session && { ...this.session, lastSeq: this.lastSeq };
  }

  /** Continues a session a previous page of this tab left (the socket it used is gone). */
  restore({ sessionId, resumeToken, windowMs, lastSeq }: ResumeSnapshot): void {
    this.session = { sessionId, resumeToken, windowMs };
    this.lastSeq = lastSeq;
  }

  /** The session is over (resume failed, window over, closed by the server): start afresh. */
  forget(): void {
    this.session = undefined;
    this.lastSeq = 0;
    this.awaySince = undefined;
  }

  /** The socket dropped: how long the session waits for us, or 0 if there is none to resume. */
  dropped(now = Date.now()): number {
    if (!this.session) {
      return 0;
    }
    this.awaySince ??= now;
    return Math.max(0, this.awaySince + this.session.windowMs - now);
  }
}
