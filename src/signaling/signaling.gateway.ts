import type { IncomingMessage } from 'node:http';
import { BeforeApplicationShutdown, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';
import { CallHistoryService } from '../calls/call-history.service.js';
import { AppConfig } from '../config/app-config.js';
import { PresenceService } from '../users/presence.service.js';
import { UsersService } from '../users/users.service.js';
import { CallMachine } from './call-machine.js';
import type { CallObserver, CallSummary, Timers } from './call-machine.types.js';
import { BadFrame, parseClientMessage } from './dto/parse-client-message.js';
import { CloseCode, PROTOCOL_VERSION, SIGNALING_PATH } from './protocol.js';
import { SessionRegistry } from './session-registry.js';
import { SignalingSession } from './signaling-session.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

const nodeTimers: Timers = {
  set: (ms, callback) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
/** setTimeout's ceiling (~24.8 days); longer token lifetimes are re-checked when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const SHUTDOWN_GRACE_MS = 2000;

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
  private pingLoop: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly authenticator: UpgradeAuthenticator,
    private readonly users: UsersService,
    private readonly presence: PresenceService,
    private readonly history: CallHistoryService,
    private readonly config: AppConfig,
  ) {
    const closeExpiredAfterCall: CallObserver = {
      callEnded: (call) => this.closeSessionsWaitingForCallEnd(call),
    };
    this.machine = new CallMachine({
      outbox: registry,
      directory: registry,
      timers: nodeTimers,
      observers: [history, closeExpiredAfterCall],
      ringTimeoutMs: config.signaling.ringTimeoutMs,
    });
  }

  onModuleInit(): void {
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
    const session = new SignalingSession(socket, user);
    socket.on('message', (data, isBinary) => this.onFrame(session, data, isBinary));
    socket.on('pong', () => {
      session.awaitingPongs = 0;
    });
    socket.once('close', () => this.drop(session));
    this.registry.add(session);
    session.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      sessionId: session.id,
      user: { username: user.username, displayName: user.displayName },
    });
    this.enforceSessionCap(session);
    this.scheduleExpiry(session);
    this.machine.sessionOpened(session);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.pingLoop);
    this.machine.shutdown();
    const sessions = [...this.registry.all()];
    const closed = sessions.map(
      (session) =>
        new Promise<void>((resolve) => {
          session.socket.once('close', () => resolve());
          session.close(CloseCode.GOING_AWAY, 'Server shutting down');
        }),
    );
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([Promise.all(closed), grace]);
    await this.history.flush();
  }

  private onFrame(session: SignalingSession, data: RawData, isBinary: boolean): void {
    if (!session.admit()) {
      return;
    }
    if (isBinary) {
      return session.sendError('bad_request', 'Binary frames are not accepted; send JSON text.');
    }
    // ws delivers text frames as Buffers (binaryType 'nodebuffer').
    const message = parseClientMessage((data as Buffer).toString());
    if (message instanceof BadFrame) {
      return session.sendError('bad_request', `Bad message: ${message.problem}.`);
    }
    switch (message.type) {
      case 'offer':
      case 'answer':
      case '_ice':
        return this.machine.relay(session, message);
      case 'call_start':
        return void this.startCall(session, message.toUser);
      case 'call_back':
        return this.machine.answer(session, message.toUser, message.msg === '1', message.callId);
      case 'hangup':
        return this.machine.hangup(session, message.toUser, message.code, message.callId);
    }
  }

  /** Online users certainly have an account; only offline ones need the database to tell. */
  private async startCall(session: SignalingSession, toUser: string): Promise<void> {
    let exists: boolean;
    try {
      exists = this.presence.isOnline(toUser) || (await this.users.exists(toUser));
    } catch (error) {
      this.logger.error(`account look-up for ${toUser} failed: ${String(error)}`);
      return session.sendError('server_error');
    }
    if (this.registry.get(session.id)) {
      this.machine.start(session, toUser, exists);
    }
  }

  /** Removes a session however it ended (close, drop, eviction); the machine is told once. */
  private drop(session: SignalingSession): void {
    clearTimeout(session.expiryTimer);
    if (this.registry.remove(session)) {
      this.machine.sessionClosed(session);
    }
  }

  /** Over MAX_SESSIONS_PER_USER: the oldest session not in a call makes room (close 4000). */
  private enforceSessionCap(newest: SignalingSession): void {
    const sessions = this.registry.sessionsOf(newest.username);
    if (sessions.length <= this.config.signaling.maxSessionsPerUser) {
      return;
    }
    const idle = sessions.find((s) => s !== newest && !this.machine.isInCall(s.id));
    const victim = idle ?? newest;
    victim.close(
      CloseCode.SESSION_REPLACED,
      idle ? 'Too many sessions: replaced by a newer one' : 'Too many sessions, all in calls',
    );
    this.drop(victim);
  }

  private scheduleExpiry(session: SignalingSession): void {
    const remaining = session.user.expiresAt - Date.now();
    session.expiryTimer = setTimeout(
      () => (remaining > MAX_TIMER_MS ? this.scheduleExpiry(session) : this.expire(session)),
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
    session.expiryTimer.unref();
  }

  private expire(session: SignalingSession): void {
    if (this.machine.isInCall(session.id)) {
      session.closeAfterCall = true;
    } else {
      session.close(CloseCode.TOKEN_EXPIRED, 'Access token expired; log in again');
    }
  }

  private closeSessionsWaitingForCallEnd(call: CallSummary): void {
    for (const id of [call.callerSession, call.calleeSession]) {
      const session = id === undefined ? undefined : this.registry.get(id);
      if (session?.closeAfterCall) {
        session.close(CloseCode.TOKEN_EXPIRED, 'Access token expired; log in again');
      }
    }
  }

  /** Every ping interval: a session that left two pings unanswered is dropped as disconnected. */
  private pingAll(): void {
    for (const session of this.registry.all()) {
      if (session.awaitingPongs >= 2) {
        session.socket.terminate();
        this.drop(session);
      } else {
        session.awaitingPongs += 1;
        session.socket.ping();
      }
    }
  }
}
