import type { ResumeFailedCode, ResumeRequest } from '../protocol.js';
import type { EndedSessions } from './ended-sessions.js';
import type { ResumableSession, Resumption } from './resumable-session.js';

/** A session as the resumer sees it: whose it is, and its v2 half (none for protocol 1). */
export interface ResumeCandidate {
  readonly username: string;
  readonly resumable: ResumableSession | undefined;
}

/** Counts failed resumes per account and client address (LoginAttempts has this shape). */
export interface ResumeThrottle {
  /** 0 when this attempt may go ahead (it is counted as failed until `succeeded`). */
  begin(username: string, address: string): number;
  succeeded(username: string, address: string): void;
}

export interface SessionResumerDeps<S extends ResumeCandidate> {
  /** A session that still exists (connected, or away in its window). */
  live(sessionId: string): S | undefined;
  ended: EndedSessions;
  throttle: ResumeThrottle;
}

export type ResumeDecision<S> =
  { ok: true; session: S; resumption: Resumption } | { ok: false; code: ResumeFailedCode };

/**
 * Decides a `resume`: which session, whether this account may have it, and what it missed. The
 * checks answer the same `unknown` for a missing session and a wrong token, so that a guess learns
 * nothing; `forbidden` only tells another account that the id is not theirs.
 */
export class SessionResumer<S extends ResumeCandidate> {
  constructor(private readonly deps: SessionResumerDeps<S>) {}

  decide(request: ResumeRequest, username: string, address: string): ResumeDecision<S> {
    if (this.deps.throttle.begin(username, address) > 0) {
      return { ok: false, code: 'throttled' };
    }
    const decision = this.attempt(request, username);
    if (decision.ok) {
      this.deps.throttle.succeeded(username, address);
    }
    return decision;
  }

  private attempt(request: ResumeRequest, username: string): ResumeDecision<S> {
    const session = this.deps.live(request.sessionId);
    const owner = session?.username ?? this.deps.ended.ownerOf(request.sessionId);
    if (owner === undefined) {
      return { ok: false, code: 'unknown' };
    }
    if (owner !== username) {
      return { ok: false, code: 'forbidden' };
    }
    if (!session) {
      return { ok: false, code: 'expired' };
    }
    if (!session.resumable?.accepts(request.resumeToken)) {
      return { ok: false, code: 'unknown' };
    }
    const resumption = session.resumable.resume(request.lastSeq);
    return resumption ? { ok: true, session, resumption } : { ok: false, code: 'expired' };
  }
}
