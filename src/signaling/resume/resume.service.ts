import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LoginAttempts } from '../../auth/login-attempts.js';
import { AppConfig } from '../../config/app-config.js';
import { nodeTimers } from '../node-timers.js';
import type { ResumeRequest } from '../protocol.js';
import { SessionRegistry } from '../session-registry.js';
import type { SignalingSession } from '../signaling-session.js';
import { type EndedSessions, MemoryEndedSessions } from './ended-sessions.js';
import { MemoryReplayBuffer } from './replay-buffer.js';
import { type LapseReason, ResumableSession } from './resumable-session.js';
import { type ResumeDecision, SessionResumer } from './session-resumer.js';
import { SilenceWatch } from './silence-watch.js';
import { expressTrust, upgradeClientKey } from './upgrade-address.js';

/**
 * Protocol 2's state for the gateway: makes sessions resumable, decides resumes, and remembers
 * ended sessions. Every piece of state sits behind a seam (ReplayBuffer, EndedSessions, the
 * throttle, Timers) that a Redis implementation fills for the scale-out (docs/architecture.md).
 */
@Injectable()
export class ResumeService {
  private readonly ended: EndedSessions = new MemoryEndedSessions();
  private readonly resumer: SessionResumer<SignalingSession>;
  private readonly limits: AppConfig['signaling']['resume'];

  constructor(
    config: AppConfig,
    registry: SessionRegistry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.limits = config.signaling.resume;
    this.resumer = new SessionResumer({
      live: (sessionId) => registry.get(sessionId),
      ended: this.ended,
      throttle: new LoginAttempts({
        maxFailures: this.limits.maxFailures,
        windowMs: this.limits.failureWindowMs,
      }),
    });
  }

  get windowMs(): number {
    return this.limits.windowMs;
  }

  /** Makes a new v2 session resumable and returns its first token. */
  enable(session: SignalingSession, lapsed: (reason: LapseReason) => void): string {
    const resumable = new ResumableSession({
      buffer: new MemoryReplayBuffer({
        messages: this.limits.bufferMessages,
        bytes: this.limits.bufferBytes,
      }),
      timers: nodeTimers,
      windowMs: this.limits.windowMs,
      lapsed,
    });
    session.makeResumable(resumable);
    return resumable.issueToken();
  }

  /** Calls `silent` once the socket has been quiet for WS_SILENCE_TIMEOUT_MS. */
  watchSilence(silent: () => void): SilenceWatch {
    return new SilenceWatch(nodeTimers, this.limits.silenceMs, silent);
  }

  decide(
    request: ResumeRequest,
    username: string,
    upgrade: IncomingMessage,
  ): ResumeDecision<SignalingSession> {
    const address = upgradeClientKey(upgrade, expressTrust(this.adapterHost));
    return this.resumer.decide(request, username, address);
  }

  /** A v2 session ended: a late resume is told `expired`. */
  sessionEnded(session: SignalingSession): void {
    this.ended.remember(session.id, session.username);
  }
}
