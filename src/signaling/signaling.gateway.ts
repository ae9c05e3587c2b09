import type { IncomingMessage } from 'node:http';
import {
  BeforeApplicationShutdown,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { CallHistoryService } from '../calls/call-history.service.js';
import { AppConfig } from '../config/app-config.js';
import { SignalingMetrics } from '../metrics/signaling-metrics.js';
import { CallPolicy } from '../privacy/call-policy.js';
import { CallPushNotifier } from '../push/call-push-notifier.js';
import { CallLog } from './call-log.js';
import { BadFrame, parseClientMessage } from './dto/parse-client-message.js';
import { type FrameContext, dispatchFrame, sendControl } from './frame-dispatch.js';
import { nodeTimers } from './node-timers.js';
import {
  CloseCode,
  PROTOCOL_V2,
  PROTOCOL_VERSION,
  type ResumeFailedCode,
  type ServerMessage,
  SIGNALING_PATH,
  SUBPROTOCOL_V2,
} from './protocol.js';
import { SilenceWatch } from './resume/silence-watch.js';
import { SessionExpiry } from './session-expiry.js';
import { SessionRegistry } from './session-registry.js';
import { type SessionHost, SignalingBackend } from './signaling-backend.js';
import { SignalingSession, sessionFields } from './signaling-session.js';
import { DELIBERATE_CLOSES, RESTART_REASON } from './socket-closing.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

/**
 * The signaling endpoint on either engine: owns the sockets (first frame, liveness, token
 * expiry, failures, shutdown order) and hands each valid request to the engine's call switch.
 * What differs between engines — admitting a session under the cap, routing and replaying its
 * messages, resume, closing and draining — is the SignalingBackend's, composed in here.
 */
@WebSocketGateway({ path: SIGNALING_PATH })
export class SignalingGateway
  implements OnGatewayConnection, OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Signaling');
  private readonly expiry: SessionExpiry;
  private readonly frames: FrameContext;
  private pingLoop: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly authenticator: UpgradeAuthenticator,
    policy: CallPolicy,
    private readonly history: CallHistoryService,
    private readonly config: AppConfig,
    private readonly backend: SignalingBackend,
    private readonly metrics: SignalingMetrics,
    // Web Push (issue 21): absent in unit tests that build the gateway by hand.
    @Optional() push?: CallPushNotifier,
  ) {
    const callStarts = backend.callStartLimits(config.signaling.callStarts);
    this.expiry = new SessionExpiry(
      (id) => backend.isInCall(id),
      (id) => registry.get(id),
    );
    backend.start(this.host(), [history, this.expiry, callStarts, new CallLog(), metrics]);
    this.frames = {
      calls: backend.calls,
      callStarts,
      policy,
      logger: this.logger,
      live: (session) => backend.live(session),
      push,
      linkPushDevice: (session, device) => backend.linkPushDevice(session, device),
    };
  }

  /** The gateway's part of a session's life, as the back end calls it. */
  private host(): SessionHost {
    return {
      failed: (session, error) => this.failed(session, error),
      attach: (session) => this.attach(session),
      bind: (session) => this.bind(session),
      open: (session) => this.open(session),
      welcome: (session, resumeToken) => this.welcome(session, resumeToken),
      scheduleExpiry: (session) => this.expiry.schedule(session),
      cancelExpiry: (session) => this.expiry.cancel(session),
      resumed: (session, token, call, missed) => {
        this.logger.log({ msg: 'session resumed', ...sessionFields(session), missed });
        sendControl(session.socket, {
          type: 'resumed',
          sessionId: session.id,
          resumeToken: token,
          call,
        });
      },
      resumeFailed: (socket, user, code) => this.resumeFailed(socket, user, code),
    };
  }

  onModuleInit(): void {
    this.metrics.watch(this.backend.gauges());
    this.pingLoop = setInterval(() => this.pingAll(), this.config.signaling.pingIntervalMs);
    this.pingLoop.unref();
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
    if (!this.backend.serving) {
      socket.close(CloseCode.SERVICE_RESTART, RESTART_REASON); // draining or fenced
      return;
    }
    if (socket.protocol === SUBPROTOCOL_V2) {
      this.awaitFirstFrame(socket, request, user);
    } else {
      this.open(new SignalingSession(socket, user, this.config.signaling));
    }
  }

  /**
   * A new session on its socket: bound here and listed before any of its frames runs; the back
   * end then admits it (cap), welcomes it and schedules its expiry. A v2 socket's first frame, if
   * it was not `resume`, runs after that.
   */
  private open(session: SignalingSession, first?: { data: RawData; isBinary: boolean }): void {
    this.attach(session);
    this.registry.add(session);
    const v2 = session.socket.protocol === SUBPROTOCOL_V2;
    this.logger.log({ msg: 'session opened', ...sessionFields(session), protocol: v2 ? 2 : 1 });
    this.backend.run(session, () => this.backend.open(session));
    if (first) {
      this.backend.run(session, () =>
        dispatchFrame(this.frames, session, first.data, first.isBinary),
      );
    }
  }

  private welcome(session: SignalingSession, resumeToken: string | undefined): ServerMessage {
    const { username, displayName } = session.user;
    const v2 = session.socket.protocol === SUBPROTOCOL_V2;
    return {
      type: 'welcome',
      protocol: v2 ? PROTOCOL_V2 : PROTOCOL_VERSION,
      sessionId: session.id,
      user: { username, displayName },
      ...(resumeToken === undefined
        ? {}
        : { resumeToken, resumeWindowMs: this.config.signaling.resume.windowMs }),
    };
  }

  /** Binds a new (or, on Redis, resuming) session: metrics, the engine, the socket, closing. */
  private attach(session: SignalingSession): void {
    session.reportTo(this.metrics);
    this.backend.attach(session);
    this.bind(session);
    // A session the server is closing (logout, expiry, flood, a client that does not read) ends
    // now, not when its client completes the close handshake — which one that stops reading holds
    // up for ws's 30 s, and meanwhile the session would be listed, rung and resumable.
    session.whenClosing(() => this.backend.closing(session));
  }

  /**
   * Listens to the session's current socket. A socket a resume took over stays bound to these
   * listeners, but they ignore it: its frames and its late close mean nothing any more.
   */
  private bind(session: SignalingSession): void {
    const socket = session.socket;
    socket.on('message', (data, isBinary) => {
      if (this.backend.holds(session, socket)) {
        this.backend.run(session, () => dispatchFrame(this.frames, session, data, isBinary));
      }
    });
    socket.on('pong', (payload) => session.pong(payload));
    socket.once('close', (code) => {
      if (this.backend.holds(session, socket)) {
        this.backend.run(session, () => this.socketClosed(session, code));
      }
    });
    if (socket.protocol === SUBPROTOCOL_V2) {
      session.watchSilence(this.watchSilence(() => socket.terminate()));
    }
  }

  /**
   * A v2 socket speaks first: `resume` continues a session; anything else (a client sends `ping`)
   * opens a new one and is then handled as usual. Until then the socket has no session.
   */
  private awaitFirstFrame(socket: WebSocket, request: IncomingMessage, user: AuthenticatedUser) {
    const silence = this.watchSilence(() => socket.terminate());
    socket.once('close', () => silence.stop());
    socket.once('message', (data, isBinary) => {
      silence.stop();
      const text = isBinary ? '' : (data as Buffer).toString();
      const message = parseClientMessage(text, PROTOCOL_V2);
      if (message instanceof BadFrame || message.type !== 'resume') {
        this.open(new SignalingSession(socket, user, this.config.signaling), { data, isBinary });
        return;
      }
      this.backend.resume({ socket, user, request: message, upgrade: request });
    });
  }

  /** `resume_failed`, then a new session on the same socket. */
  private resumeFailed(socket: WebSocket, user: AuthenticatedUser, code: ResumeFailedCode): void {
    this.logger.log({ msg: 'resume failed', user: user.username, code });
    sendControl(socket, { type: 'resume_failed', code });
    this.open(new SignalingSession(socket, user, this.config.signaling));
  }

  /**
   * The session's socket closed. A v2 client that did not leave on purpose (and was not closed by
   * the server) may resume: the session waits in its window, still present, and its peer is told.
   */
  private socketClosed(session: SignalingSession, code: number): void | Promise<void> {
    session.silence?.stop();
    const away =
      session.socket.protocol === SUBPROTOCOL_V2 &&
      !session.closedByServer &&
      !DELIBERATE_CLOSES.includes(code);
    this.logger.log({ msg: 'socket closed', ...sessionFields(session), code, away });
    return this.backend.socketClosed(session, away);
  }

  /** SIGTERM: the engine ends or hands off every session, then call history is written out. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.pingLoop);
    await this.backend.shutdown();
    await this.history.flush();
    await this.backend.stop();
  }

  /**
   * A step of a session that threw (now or later, for a frame that awaits) is that session's
   * problem only: unless the engine recovers (Redis away: `server_error`), it is logged and its
   * socket is closed with 1011 and handled as a drop (a peer in a call hears `disconnected`),
   * while the process and every other call carry on.
   */
  private failed(session: SignalingSession, error: unknown): void {
    if (this.backend.recovered(session, error)) {
      return;
    }
    this.logger.error({ msg: 'session failed', ...sessionFields(session), err: error });
    try {
      session.close(CloseCode.INTERNAL_ERROR, 'Internal error');
      this.backend.end(session);
    } catch (dropError) {
      this.logger.error({
        msg: 'dropping it failed too',
        ...sessionFields(session),
        err: dropError,
      });
    }
  }

  private watchSilence(silent: () => void): SilenceWatch {
    return new SilenceWatch(nodeTimers, this.config.signaling.resume.silenceMs, silent);
  }

  /**
   * Every ping interval: a v1 session that left two pings unanswered (no pong echoing the
   * payload) is cut and dropped as disconnected. v2 clients ping the server (SilenceWatch).
   */
  private pingAll(): void {
    for (const session of this.backend.pinged()) {
      if (!session.ping()) {
        this.logger.log({ msg: 'pings unanswered: dropped', ...sessionFields(session) });
        session.socket.terminate();
        this.backend.end(session);
      }
    }
  }
}
