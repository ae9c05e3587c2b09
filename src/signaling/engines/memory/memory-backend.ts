import { Injectable, Logger, Optional } from '@nestjs/common';
import type { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../../../auth/token.service.js';
import { AppConfig } from '../../../config/app-config.js';
import type { SignalingCensus } from '../../../metrics/signaling-metrics.js';
import { CallPushNotifier } from '../../../push/call-push-notifier.js';
import { CallMachine } from '../../call-machine.js';
import type { CallObserver } from '../../call-machine.types.js';
import { CallStartLimiter, type CallStartLimits } from '../../call-start-limiter.js';
import { nodeTimers } from '../../node-timers.js';
import { CloseCode, SUBPROTOCOL_V2 } from '../../protocol.js';
import type { Resumption } from '../../resume/resumable-session.js';
import { ResumeService } from '../../resume/resume.service.js';
import { replacedReason, sessionCapVictims } from '../../session-cap.js';
import { SessionRegistry } from '../../session-registry.js';
import { type ResumeAttempt, type SessionHost, SignalingBackend } from '../../signaling-backend.js';
import { type SignalingSession, sessionFields } from '../../signaling-session.js';
import { closeWithinGrace } from '../../socket-closing.js';

/**
 * The gateway's back end in one process: sessions in SessionRegistry, the calls in CallMachine,
 * numbering and replay in each session's ResumableSession (ResumeService). Every step runs at
 * once, synchronously where it can: the relay path is a parse and two map look-ups.
 */
@Injectable()
export class MemoryBackend extends SignalingBackend {
  private readonly logger = new Logger('Signaling');
  /** Filled by `start` before any call: CallMachine reads the array it was given. */
  private readonly observers: CallObserver[] = [];
  private readonly machine: CallMachine;
  private host!: SessionHost;
  readonly serving = true;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly config: AppConfig,
    private readonly resumes: ResumeService,
    // Web Push (issue 21): absent in unit tests that build the back end by hand.
    @Optional() push?: CallPushNotifier,
  ) {
    super();
    this.machine = new CallMachine({
      outbox: registry,
      directory: registry,
      timers: nodeTimers,
      observers: this.observers,
      ringTimeoutMs: config.signaling.ringTimeoutMs,
      push,
    });
    push?.attach({
      isRinging: (callId, callee) => this.machine.isRinging(callId, callee),
      decline: (callId, callee) => this.machine.declineRinging(callId, callee),
    });
  }

  get calls(): CallMachine {
    return this.machine;
  }

  /** One process holds every session: its own buckets see every call. */
  callStartLimits(limits: CallStartLimits): CallStartLimiter {
    return new CallStartLimiter(limits);
  }

  start(host: SessionHost, observers: readonly CallObserver[]): void {
    this.host = host;
    this.observers.push(...observers);
  }

  isInCall(sessionId: string): boolean {
    return this.machine.isInCall(sessionId);
  }

  gauges(): SignalingCensus {
    return {
      connected: () => this.registry.size - this.resuming(),
      resuming: () => this.resuming(),
      calls: () => this.machine.census(),
    };
  }

  private resuming(): number {
    let away = 0;
    for (const session of this.registry.all()) {
      away += session.resumable?.away ? 1 : 0;
    }
    return away;
  }

  live(session: SignalingSession): boolean {
    return this.registry.get(session.id) !== undefined;
  }

  linkPushDevice(session: SignalingSession, device: string | undefined): void {
    session.nameDevice(device);
  }

  attach(): void {
    // Nothing to bind: the session's messages go straight to its socket (or its replay buffer).
  }

  holds(session: SignalingSession, socket: WebSocket): boolean {
    return session.socket === socket;
  }

  run(session: SignalingSession, step: () => void | Promise<void>): void {
    try {
      step()?.catch((error: unknown) => this.host.failed(session, error));
    } catch (error) {
      this.host.failed(session, error);
    }
  }

  /** Welcome (v2: the session becomes resumable), session cap, token expiry, a ring if due. */
  open(session: SignalingSession): void {
    const resumeToken =
      session.socket.protocol === SUBPROTOCOL_V2
        ? this.resumes.enable(session, () => this.run(session, () => this.drop(session)))
        : undefined;
    session.send(this.host.welcome(session, resumeToken));
    this.enforceSessionCap(session);
    this.host.scheduleExpiry(session);
    this.machine.sessionOpened(session);
  }

  resume({ socket, user, request, upgrade }: ResumeAttempt): void {
    const decision = this.resumes.decide(request, user.username, upgrade);
    if (decision.ok) {
      this.takeOver(decision.session, socket, user, decision.resumption);
    } else {
      this.host.resumeFailed(socket, user, decision.code);
    }
  }

  /**
   * Moves a resumed session onto its new socket: the old one, if it still looks open (half-open
   * TCP), is closed with 4002; then `resumed`, the missed frames in order, and live traffic.
   */
  private takeOver(
    session: SignalingSession,
    socket: WebSocket,
    user: AuthenticatedUser,
    { token, missed }: Resumption,
  ): void {
    const old = session.socket;
    session.moveTo(socket, user);
    this.host.bind(session);
    old.close(CloseCode.SESSION_TAKEN_OVER, 'Session resumed on another connection');
    this.host.scheduleExpiry(session);
    this.host.resumed(session, token, this.machine.callOf(session), missed.length);
    for (const frame of missed) {
      socket.send(frame);
    }
    this.machine.sessionBack(session);
  }

  socketClosed(session: SignalingSession, away: boolean): void {
    if (!away) {
      return this.drop(session);
    }
    session.resumable?.leave();
    this.machine.sessionAway(session);
  }

  /** Deferred: close() may run inside the call machine (a call's end closes an expired session). */
  closing(session: SignalingSession): void {
    queueMicrotask(() => this.run(session, () => this.drop(session)));
  }

  end(session: SignalingSession): void {
    this.drop(session);
  }

  *pinged(): Iterable<SignalingSession> {
    for (const session of this.registry.all()) {
      if (!session.resumable) {
        yield session;
      }
    }
  }

  recovered(): boolean {
    return false; // nothing here fails for a reason a session survives
  }

  /** SIGTERM without Redis: every call ends with `server_shutdown`, every socket with 1001. */
  async shutdown(): Promise<void> {
    this.machine.shutdown();
    const sessions = [...this.registry.all()].filter((session) => {
      if (session.resumable?.away) {
        this.drop(session); // no socket to close; its window ends with the server
        return false;
      }
      return true;
    });
    await closeWithinGrace(sessions, (session) =>
      session.close(CloseCode.GOING_AWAY, 'Server shutting down'),
    );
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Removes a session however it ended (close, drop, eviction); the machine is told once. */
  private drop(session: SignalingSession): void {
    this.host.cancelExpiry(session);
    session.silence?.stop();
    session.resumable?.end();
    if (this.registry.remove(session)) {
      this.logger.log({ msg: 'session ended', ...sessionFields(session) });
      if (session.resumable) {
        this.resumes.sessionEnded(session);
      }
      this.machine.sessionClosed(session);
    }
  }

  /** Over MAX_SESSIONS_PER_USER: the oldest sessions not in a call make room (close 4000). */
  private enforceSessionCap(newest: SignalingSession): void {
    const victims = sessionCapVictims(
      this.registry.sessionsOf(newest.username),
      newest,
      this.config.signaling.maxSessionsPerUser,
      (session) => this.machine.isInCall(session.id),
    );
    for (const victim of victims) {
      victim.close(CloseCode.SESSION_REPLACED, replacedReason(victim === newest));
      this.drop(victim);
    }
  }
}
