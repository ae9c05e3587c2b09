import type { IncomingMessage } from 'node:http';
import {
  BeforeApplicationShutdown,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { CallHistoryService } from '../calls/call-history.service.js';
import { AppConfig } from '../config/app-config.js';
import { SignalingMetrics } from '../metrics/signaling-metrics.js';
import { CallPolicy } from '../privacy/call-policy.js';
import { CallPushNotifier } from '../push/call-push-notifier.js';
import { CallLog } from './call-log.js';
import { CallMachine } from './call-machine.js';
import { CallStartLimiter } from './call-start-limiter.js';
import { BadFrame, parseClientMessage } from './dto/parse-client-message.js';
import { type FrameContext, dispatchFrame, sendControl } from './frame-dispatch.js';
import { nodeTimers } from './node-timers.js';
import {
  CloseCode,
  PROTOCOL_V2,
  PROTOCOL_VERSION,
  SIGNALING_PATH,
  SUBPROTOCOL_V2,
} from './protocol.js';
import type { Resumption } from './resume/resumable-session.js';
import { ResumeService } from './resume/resume.service.js';
import { sessionCapVictims } from './session-cap.js';
import { SessionExpiry } from './session-expiry.js';
import { SessionRegistry } from './session-registry.js';
import { SignalingSession, sessionFields } from './signaling-session.js';
import { DELIBERATE_CLOSES, closeWithinGrace } from './socket-closing.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

/**
 * The signaling endpoint: owns the sockets (liveness, limits, token expiry, session caps) and hands
 * each valid request to the CallMachine, which owns the calls.
 */
@WebSocketGateway({ path: SIGNALING_PATH })
export class SignalingGateway
  implements OnGatewayConnection, OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Signaling');
  private readonly machine: CallMachine;
  private readonly callStarts: CallStartLimiter;
  private readonly expiry: SessionExpiry;
  private readonly frames: FrameContext;
  private pingLoop: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly authenticator: UpgradeAuthenticator,
    policy: CallPolicy,
    private readonly history: CallHistoryService,
    private readonly config: AppConfig,
    private readonly resume: ResumeService,
    private readonly metrics: SignalingMetrics,
    // Web Push (issue 21): absent in unit tests that build the gateway by hand.
    @Optional() push?: CallPushNotifier,
  ) {
    this.callStarts = new CallStartLimiter(config.signaling.callStarts);
    this.expiry = new SessionExpiry(
      (id) => this.machine.isInCall(id),
      (id) => registry.get(id),
    );
    this.machine = new CallMachine({
      outbox: registry,
      directory: registry,
      timers: nodeTimers,
      observers: [history, this.expiry, this.callStarts, new CallLog(), metrics],
      ringTimeoutMs: config.signaling.ringTimeoutMs,
      push,
    });
    this.frames = {
      calls: this.machine,
      callStarts: this.callStarts,
      policy,
      logger: this.logger,
      live: (session) => registry.get(session.id) !== undefined,
      push,
      linkPushDevice: (session, device) => session.nameDevice(device),
    };
    push?.attach({
      isRinging: (callId, callee) => this.machine.isRinging(callId, callee),
      decline: (callId, callee) => this.machine.declineRinging(callId, callee),
    });
  }

  onModuleInit(): void {
    this.metrics.watch({
      connected: () => this.registry.size - this.resuming(),
      resuming: () => this.resuming(),
      calls: () => this.machine.census(),
    });
    this.pingLoop = setInterval(() => this.pingAll(), this.config.signaling.pingIntervalMs);
    this.pingLoop.unref();
  }

  private resuming(): number {
    let away = 0;
    for (const session of this.registry.all()) {
      away += session.resumable?.away ? 1 : 0;
    }
    return away;
  }

  onModuleDestroy(): void {
    clearInterval(this.pingLoop);
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const user = this.authenticator.userOf(request);
    if (!user) {
      // verifyClient admitted nobody else; this only guards against a mis-wired adapter.
      socket.close(1011, 'Unauthenticated');
      return;
    }
    if (socket.protocol === SUBPROTOCOL_V2) {
      this.awaitFirstFrame(socket, request, user);
    } else {
      this.open(new SignalingSession(socket, user, this.config.signaling));
    }
  }

  /** A new session on its socket: welcome, session cap, token expiry, and a ring if one is due. */
  private open(session: SignalingSession): void {
    session.reportTo(this.metrics);
    const v2 = session.socket.protocol === SUBPROTOCOL_V2;
    const resumeToken = v2
      ? this.resume.enable(session, () => this.guard(session, () => this.drop(session)))
      : undefined;
    this.bind(session);
    // A session the server is closing ends now (not listed, rung or resumable), not when its
    // client completes the close handshake. Deferred: close() may run inside the call machine
    // (a call's end closes a session whose token expired meanwhile).
    session.whenClosing(() => queueMicrotask(() => this.guard(session, () => this.drop(session))));
    this.registry.add(session);
    this.logger.log({ msg: 'session opened', ...sessionFields(session), protocol: v2 ? 2 : 1 });
    const { username, displayName } = session.user;
    session.send({
      type: 'welcome',
      protocol: v2 ? PROTOCOL_V2 : PROTOCOL_VERSION,
      sessionId: session.id,
      user: { username, displayName },
      ...(resumeToken === undefined ? {} : { resumeToken, resumeWindowMs: this.resume.windowMs }),
    });
    this.enforceSessionCap(session);
    this.expiry.schedule(session);
    this.machine.sessionOpened(session);
  }

  /**
   * Listens to the session's current socket. A socket a resume took over stays bound to these
   * listeners, but they ignore it: its frames and its late close mean nothing any more.
   */
  private bind(session: SignalingSession): void {
    const socket = session.socket;
    const current = (): boolean => session.socket === socket;
    socket.on('message', (data, isBinary) => {
      if (current()) {
        this.guard(session, () => dispatchFrame(this.frames, session, data, isBinary));
      }
    });
    socket.on('pong', (payload) => session.pong(payload));
    socket.once('close', (code) => {
      if (current()) {
        this.guard(session, () => this.socketClosed(session, code));
      }
    });
    if (socket.protocol === SUBPROTOCOL_V2) {
      session.watchSilence(this.resume.watchSilence(() => socket.terminate()));
    }
  }

  /**
   * A v2 socket speaks first: `resume` continues a session; anything else (a client sends `ping`)
   * opens a new one and is then handled as usual. Until then the socket has no session.
   */
  private awaitFirstFrame(socket: WebSocket, request: IncomingMessage, user: AuthenticatedUser) {
    const silence = this.resume.watchSilence(() => socket.terminate());
    socket.once('close', () => silence.stop());
    socket.once('message', (data, isBinary) => {
      silence.stop();
      const text = isBinary ? '' : (data as Buffer).toString();
      const message = parseClientMessage(text, PROTOCOL_V2);
      if (message instanceof BadFrame || message.type !== 'resume') {
        const session = new SignalingSession(socket, user, this.config.signaling);
        this.open(session);
        this.guard(session, () => dispatchFrame(this.frames, session, data, isBinary));
        return;
      }
      const decision = this.resume.decide(message, user.username, request);
      if (decision.ok) {
        this.takeOver(decision.session, socket, user, decision.resumption);
      } else {
        this.logger.log({ msg: 'resume failed', user: user.username, code: decision.code });
        sendControl(socket, { type: 'resume_failed', code: decision.code });
        this.open(new SignalingSession(socket, user, this.config.signaling));
      }
    });
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
    this.bind(session);
    this.logger.log({ msg: 'session resumed', ...sessionFields(session), missed: missed.length });
    old.close(CloseCode.SESSION_TAKEN_OVER, 'Session resumed on another connection');
    this.expiry.schedule(session);
    sendControl(socket, {
      type: 'resumed',
      sessionId: session.id,
      resumeToken: token,
      call: this.machine.callOf(session),
    });
    for (const frame of missed) {
      socket.send(frame);
    }
    this.machine.sessionBack(session);
  }

  /**
   * The session's socket closed. A v2 client that did not leave on purpose (and was not closed by
   * the server) may resume: the session waits in its window, still present, and its peer is told.
   */
  private socketClosed(session: SignalingSession, code: number): void {
    session.silence?.stop();
    const resumable = session.resumable;
    const away =
      resumable !== undefined && !session.closedByServer && !DELIBERATE_CLOSES.includes(code);
    this.logger.log({ msg: 'socket closed', ...sessionFields(session), code, away });
    if (!away) {
      return this.drop(session);
    }
    resumable.leave();
    this.machine.sessionAway(session);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.pingLoop);
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
    await this.history.flush();
  }

  /**
   * Runs one event of a session. Whatever throws (now or later, for a frame that awaits) is that
   * session's problem only: it is logged and its socket is closed with 1011 and handled as a drop
   * (a peer in a call hears `disconnected`), while the process and every other call carry on.
   */
  private guard(session: SignalingSession, handle: () => void | Promise<void>): void {
    try {
      handle()?.catch((error: unknown) => this.failed(session, error));
    } catch (error) {
      this.failed(session, error);
    }
  }

  private failed(session: SignalingSession, error: unknown): void {
    this.logger.error({ msg: 'session failed', ...sessionFields(session), err: error });
    try {
      session.close(CloseCode.INTERNAL_ERROR, 'Internal error');
      this.drop(session);
    } catch (dropError) {
      this.logger.error({
        msg: 'dropping it failed too',
        ...sessionFields(session),
        err: dropError,
      });
    }
  }

  /** Removes a session however it ended (close, drop, eviction); the machine is told once. */
  private drop(session: SignalingSession): void {
    this.expiry.cancel(session);
    session.silence?.stop();
    session.resumable?.end();
    if (this.registry.remove(session)) {
      this.logger.log({ msg: 'session ended', ...sessionFields(session) });
      if (session.resumable) {
        this.resume.sessionEnded(session);
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
      victim.close(
        CloseCode.SESSION_REPLACED,
        victim === newest
          ? 'Too many sessions, all in calls'
          : 'Too many sessions: replaced by a newer one',
      );
      this.drop(victim);
    }
  }

  /**
   * Every ping interval: a session that left two pings unanswered (no pong echoing the payload)
   * is dropped as disconnected.
   */
  private pingAll(): void {
    for (const session of this.registry.all()) {
      if (session.resumable) {
        continue; // v2 clients ping the server (SilenceWatch); WebSocket pings stay v1's
      }
      if (!session.ping()) {
        this.logger.log({ msg: 'pings unanswered: dropped', ...sessionFields(session) });
        session.socket.terminate();
        this.drop(session);
      }
    }
  }
}
