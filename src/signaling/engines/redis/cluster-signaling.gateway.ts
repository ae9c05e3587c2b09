import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  BeforeApplicationShutdown,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import { clientAddressKey } from '../../../auth/client-address.js';
import type { RawData, WebSocket } from 'ws';
import type { AuthenticatedUser } from '../../../auth/token.service.js';
import { CallHistoryService } from '../../../calls/call-history.service.js';
import { AppConfig } from '../../../config/app-config.js';
import { SignalingMetrics } from '../../../metrics/signaling-metrics.js';
import { COMMAND_TIMEOUT_MS, RedisCommandError } from './redis-connection.js';
import { CallPolicy } from '../../../privacy/call-policy.js';
import { CallPushNotifier } from '../../../push/call-push-notifier.js';
import { CallLog } from '../../call-log.js';
import { BadFrame, parseClientMessage } from '../../dto/parse-client-message.js';
import { type FrameContext, dispatchFrame, sendControl } from '../../frame-dispatch.js';
import { nodeTimers } from '../../node-timers.js';
import {
  CloseCode,
  PROTOCOL_V2,
  PROTOCOL_VERSION,
  type ResumeFailedCode,
  type ResumeRequest,
  type ServerMessage,
  SIGNALING_PATH,
  SUBPROTOCOL_V2,
  SYSTEM_USER,
} from '../../protocol.js';
import { ResumeToken } from '../../resume/resume-token.js';
import { SilenceWatch } from '../../resume/silence-watch.js';
import { type TrustProxyFn, upgradeAddress } from '../../resume/upgrade-address.js';
import { sentence } from '../../sentences.js';
import { SessionExpiry } from '../../session-expiry.js';
import { SessionRegistry } from '../../session-registry.js';
import { SignalingSession, sessionFields } from '../../signaling-session.js';
import { DELIBERATE_CLOSES, closeWithinGrace } from '../../socket-closing.js';
import { UpgradeAuthenticator } from '../../upgrade-authenticator.js';
import { ClusterCallStartLimiter } from './cluster-rate-limits.js';
import { PipelinedCallSwitch } from './pipelined-call-switch.js';
import { decodeChannel } from './redis-sessions.js';
import { RedisSignaling } from './redis-signaling.js';
import { SessionLink } from './session-link.js';

const RESTART_REASON = 'Service restart; resume on another connection';

/**
 * The signaling endpoint with REDIS_URL: the same protocol as SignalingGateway, with the sessions,
 * calls, sequence numbers and replay streams in Redis so that every instance serves every user.
 * Each socket's session is subscribed to its channel; what any instance sends it arrives there
 * numbered and is written in `seq` order. A session's frames are handled one after another
 * (SessionLink), although every step now waits for Redis.
 *
 * A restart ends no call: SIGTERM turns /health 503, refuses new sockets, hands every session to
 * its resume window (peers hear `reconnecting`) and closes the sockets with 1012; the clients
 * resume on another instance. A crashed instance's sessions are handed over by the others' sweep.
 */
@WebSocketGateway({ path: SIGNALING_PATH })
export class ClusterSignalingGateway
  implements OnGatewayConnection, OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Signaling');
  private readonly callStarts: ClusterCallStartLimiter;
  private readonly expiry: SessionExpiry;
  private readonly frames: FrameContext;
  private readonly links = new Map<SignalingSession, SessionLink>();
  /** Each socket's client address (for the resume throttle), read at the upgrade. */
  private readonly addresses = new WeakMap<WebSocket, string>();
  private pingLoop: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly authenticator: UpgradeAuthenticator,
    policy: CallPolicy,
    private readonly history: CallHistoryService,
    private readonly config: AppConfig,
    private readonly cluster: RedisSignaling,
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: SignalingMetrics,
    // Web Push (issue 21): absent in tests that build the gateway by hand.
    @Optional() push?: CallPushNotifier,
  ) {
    this.callStarts = new ClusterCallStartLimiter(cluster, config.signaling.callStarts);
    cluster.scripts.observe(history);
    cluster.scripts.observe(this.callStarts);
    cluster.scripts.observe(new CallLog());
    cluster.scripts.observe(metrics);
    this.expiry = new SessionExpiry(
      (id) => cluster.calls.isInCall(id),
      (id) => registry.get(id),
    );
    cluster.scripts.observe(this.expiry);
    cluster.onFence(() => void this.handOffAll());
    this.frames = {
      calls: new PipelinedCallSwitch(cluster.calls, (session, error) =>
        this.failed(session as SignalingSession, error),
      ),
      callStarts: this.callStarts,
      policy,
      logger: this.logger,
      live: (session) => this.links.has(session),
      push,
      linkPushDevice: (session, device) => cluster.pushRinging.linkDevice(session.id, device),
    };
    if (push) {
      cluster.pushRinging.connect(push);
      push.attach(cluster.pushRinging);
    }
  }

  onModuleInit(): void {
    // Sessions away and calls live in Redis, shared by every instance: not this one's to count.
    this.metrics.watch({ connected: () => this.registry.size });
    this.pingLoop = setInterval(() => this.pingAll(), this.config.signaling.pingIntervalMs);
    this.pingLoop.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pingLoop);
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    this.addresses.set(socket, this.clientAddress(request));
    const user = this.authenticator.userOf(request);
    if (!this.cluster.serving || !user) {
      socket.close(
        user ? CloseCode.SERVICE_RESTART : 1011,
        user ? RESTART_REASON : 'Unauthenticated',
      );
      return;
    }
    if (socket.protocol === SUBPROTOCOL_V2) {
      this.awaitFirstFrame(socket, user);
    } else {
      this.open(new SignalingSession(socket, user, this.config.signaling));
    }
  }

  /** A new session: registered (welcome, cap, a ring if one is due) before its frames run. */
  private open(session: SignalingSession, first?: { data: RawData; isBinary: boolean }): void {
    const link = this.attach(session, []);
    this.registry.add(session);
    link.run(async () => {
      const v2 = session.socket.protocol === SUBPROTOCOL_V2;
      this.logger.log({ msg: 'session opened', ...sessionFields(session), protocol: v2 ? 2 : 1 });
      const token = v2 ? ResumeToken.issue() : undefined;
      await link.subscribed;
      const { username, displayName } = session.user;
      const welcome: ServerMessage = {
        type: 'welcome',
        protocol: v2 ? PROTOCOL_V2 : PROTOCOL_VERSION,
        sessionId: session.id,
        user: { username, displayName },
        ...(token ? { resumeToken: token.token, resumeWindowMs: this.windowMs } : {}),
      };
      const victims = await this.cluster.sessions.open(
        session.id,
        username,
        token?.hash,
        welcome,
        session.user,
      );
      link.live();
      // The welcome comes back through the channel (another connection than the script's reply):
      // nothing else, not even a pong, may reach the client before it.
      await withTimeout(link.welcomed, COMMAND_TIMEOUT_MS, 'the welcome');
      this.expiry.schedule(session);
      for (const victim of victims) {
        await this.evict(victim, victim === session.id);
      }
    });
    if (first) {
      link.run(() => dispatchFrame(this.frames, session, first.data, first.isBinary));
    }
  }

  private get windowMs(): number {
    return this.config.signaling.resume.windowMs;
  }

  /**
   * Binds a session to this instance: its socket's frames and close, its channel (frames written
   * in seq order; `buffered` holds them until a resume has written its replay), and its sends
   * through Redis.
   */
  private attach(session: SignalingSession, buffered: string[] | undefined): SessionLink {
    const link = new SessionLink(session, buffered, (error) => this.failed(session, error));
    session.reportTo(this.metrics);
    this.links.set(session, link);
    session.sendThrough((message) => {
      this.cluster.sessions.send(session.id, message).catch((error: unknown) => {
        this.logger.warn({
          msg: 'a message was not delivered',
          ...sessionFields(session),
          err: error,
        });
      });
    });
    const socket = session.socket;
    socket.on('message', (data, isBinary) => {
      if (!link.released) {
        link.run(() => dispatchFrame(this.frames, session, data, isBinary));
      }
    });
    socket.on('pong', (payload) => session.pong(payload));
    socket.once('close', (code) => {
      if (!link.released) {
        link.run(() => this.socketClosed(session, link, code));
      }
    });
    if (socket.protocol === SUBPROTOCOL_V2) {
      session.watchSilence(this.watchSilence(() => socket.terminate()));
    }
    // The server closes it (logout, expiry, flood, a client that does not read): it ends in Redis
    // now, not when the close handshake is over — a client that stops reading holds that up for
    // ws's 30 s, and meanwhile the session would be listed, rung and resumable as a zombie.
    session.whenClosing(() => link.run(() => this.endClosing(session, link)));
    link.subscribed = this.cluster.connection.subscribe(
      this.cluster.sessions.channel(session.id),
      link.listener((message) => this.onChannel(session, link, message)),
    );
    return link;
  }

  private onChannel(session: SignalingSession, link: SessionLink, message: string): void {
    const decoded = decodeChannel(message);
    if (typeof decoded === 'string') {
      return link.deliver(decoded);
    }
    if (decoded.kind === 'takeover') {
      if (decoded.node !== this.cluster.node) {
        this.release(session, link, CloseCode.SESSION_TAKEN_OVER, 'Session resumed elsewhere');
      }
      return;
    }
    if (!link.resuming) {
      session.close(decoded.code, decoded.reason);
    }
  }

  private awaitFirstFrame(socket: WebSocket, user: AuthenticatedUser): void {
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
      const session = new SignalingSession(socket, user, this.config.signaling, message.sessionId);
      const link = this.attach(session, []);
      link.resuming = true;
      // Frames the client sends right after `resume` queue behind it.
      link.run(() => this.resume(session, link, message));
    });
  }

  /**
   * A resume, on whichever instance the client reached: subscribe first, then the resume script
   * (checks, new token, the missed frames from the stream), then `resumed`, the missed frames and
   * whatever arrived meanwhile, each seq once. The instance that held the old socket, if any,
   * closes it with 4002.
   */
  private async resume(session: SignalingSession, link: SessionLink, request: ResumeRequest) {
    const { socket, user } = session;
    const address = this.addresses.get(socket) ?? '';
    const limits = this.config.signaling.resume;
    if (!(await this.cluster.sessions.resumeAllowed(user.username, address, limits))) {
      return this.resumeFailed(session, link, 'throttled');
    }
    const old = this.registry.get(request.sessionId);
    await link.subscribed;
    const next = ResumeToken.issue();
    const presented = createHash('sha256').update(request.resumeToken, 'utf8').digest();
    const outcome = await this.cluster.sessions.resume(
      request.sessionId,
      user.username,
      presented,
      request.lastSeq,
      next.hash,
      user,
    );
    if (!outcome.ok) {
      return this.resumeFailed(session, link, outcome.code);
    }
    await this.cluster.sessions.resumeSucceeded(user.username, address);
    if (old) {
      this.release(old, this.links.get(old), CloseCode.SESSION_TAKEN_OVER, 'Session resumed');
    } else if (outcome.previousNode !== '' && outcome.previousNode !== this.cluster.node) {
      await this.cluster.sessions.control(session.id, {
        kind: 'takeover',
        node: this.cluster.node,
      });
    }
    this.registry.add(session);
    this.logger.log({
      msg: 'session resumed',
      ...sessionFields(session),
      missed: outcome.missed.length,
    });
    sendControl(socket, {
      type: 'resumed',
      sessionId: session.id,
      resumeToken: next.token,
      call: outcome.call,
    });
    link.replay(outcome.missed, request.lastSeq);
    this.expiry.schedule(session);
  }

  /** `resume_failed`, then a new session on the same socket (as on one instance). */
  private async resumeFailed(
    session: SignalingSession,
    link: SessionLink,
    code: ResumeFailedCode,
  ): Promise<void> {
    await this.detach(session, link);
    this.logger.log({ msg: 'resume failed', user: session.username, code });
    sendControl(session.socket, { type: 'resume_failed', code });
    this.open(new SignalingSession(session.socket, session.user, this.config.signaling));
  }

  /** The client address of an upgrade, by Express's `trust proxy` rule (TRUST_PROXY). */
  private clientAddress(request: IncomingMessage): string {
    const express = this.adapterHost.httpAdapter.getInstance<{ get(name: string): TrustProxyFn }>();
    return clientAddressKey(upgradeAddress(request, express.get('trust proxy fn')));
  }

  /** The socket closed: a v2 client that did not leave on purpose may resume (its window). */
  private async socketClosed(session: SignalingSession, link: SessionLink, code: number) {
    const resumable = session.socket.protocol === SUBPROTOCOL_V2;
    const away = resumable && !session.closedByServer && !DELIBERATE_CLOSES.includes(code);
    this.logger.log({ msg: 'socket closed', ...sessionFields(session), code, away });
    await this.detach(session, link);
    if (away) {
      await this.cluster.sessions.away(session.id);
    } else {
      await this.cluster.sessions.drop(session.id);
    }
  }

  private async endClosing(session: SignalingSession, link: SessionLink): Promise<void> {
    if (link.released) {
      return; // the session lives on elsewhere (taken over): not this socket's to end
    }
    if (await this.cluster.sessions.drop(session.id)) {
      this.logger.log({ msg: 'session ended while its socket closes', ...sessionFields(session) });
    }
  }

  /** Forgets the session here (not in Redis): timers, silence watch, channel, registry. */
  private async detach(session: SignalingSession, link: SessionLink): Promise<void> {
    link.released = true;
    this.links.delete(session);
    this.expiry.cancel(session);
    session.silence?.stop();
    this.registry.remove(session);
    // An unsubscribe sent while the subscribe is still on its way would never be answered.
    await link.subscribed.catch(() => undefined);
    await this.cluster.connection
      .unsubscribe(this.cluster.sessions.channel(session.id), link.channelListener)
      .catch(() => undefined);
  }

  /** The session lives on elsewhere (taken over, or handed to its window): close this socket. */
  private release(
    session: SignalingSession,
    link: SessionLink | undefined,
    code: number,
    reason: string,
  ): void {
    if (link) {
      void this.detach(session, link);
    }
    this.logger.debug({ msg: 'socket released', ...sessionFields(session), code, reason });
    session.socket.close(code, reason);
  }

  /**
   * Over MAX_SESSIONS_PER_USER: the open script has already ended the victim in Redis (so no
   * other open picks it, and nothing lists, rings or resumes it); its socket, wherever it is
   * held, is closed with 4000. An away victim has no socket: nobody hears the control.
   */
  private async evict(victimId: string, newest: boolean): Promise<void> {
    const reason = newest
      ? 'Too many sessions, all in calls'
      : 'Too many sessions: replaced by a newer one';
    const local = this.registry.get(victimId);
    if (local) {
      local.close(CloseCode.SESSION_REPLACED, reason);
      return;
    }
    const control = { kind: 'close' as const, code: CloseCode.SESSION_REPLACED, reason };
    await this.cluster.sessions.control(victimId, control);
  }

  /**
   * SIGTERM: /health 503 and new sockets refused first; then every session goes to its resume
   * window (its peer hears `reconnecting`, never `hangup` or `server_shutdown`) and its socket is
   * closed with 1012, so its client resumes on another instance.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.pingLoop);
    this.cluster.draining = true;
    try {
      await this.cluster.release();
    } catch (error) {
      this.logger.error(`handing sessions over failed (Redis away?): ${String(error)}`);
    }
    await this.handOffAll();
    await this.history.flush();
    await this.cluster.stop();
  }

  /** Closes every socket here with 1012 without ending its session (its state is in Redis). */
  private handOffAll(): Promise<void> {
    return closeWithinGrace(this.links.keys(), (session) =>
      this.release(session, this.links.get(session), CloseCode.SERVICE_RESTART, RESTART_REASON),
    );
  }

  /**
   * A frame whose handling failed: Redis away or too slow → `server_error`, the session carries
   * on; anything else is a bug → logged, the socket closed with 1011 and the session ended.
   */
  private failed(session: SignalingSession, error: unknown): void {
    if (error instanceof RedisCommandError) {
      this.logger.warn({ msg: 'Redis failed a frame', ...sessionFields(session), err: error });
      const reply = {
        type: 'error' as const,
        fromUser: SYSTEM_USER,
        toUser: session.username,
        code: 'server_error' as const,
        msg: sentence('server_error', session.username),
      };
      return session.write(JSON.stringify(reply)); // not numbered: Redis, which numbers, is away
    }
    this.logger.error({ msg: 'session failed', ...sessionFields(session), err: error });
    session.close(CloseCode.INTERNAL_ERROR, 'Internal error');
  }

  private watchSilence(silent: () => void): SilenceWatch {
    return new SilenceWatch(nodeTimers, this.config.signaling.resume.silenceMs, silent);
  }

  /** v1 sockets answer WebSocket pings; two unanswered and the socket is cut (then dropped). */
  private pingAll(): void {
    for (const session of this.links.keys()) {
      if (session.socket.protocol !== SUBPROTOCOL_V2 && !session.ping()) {
        this.logger.log({ msg: 'pings unanswered: dropped', ...sessionFields(session) });
        session.socket.terminate();
      }
    }
  }
}

/** `promise`, or a RedisCommandError once `ms` have passed (Redis did not deliver in time). */
async function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisCommandError(what, `none within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
