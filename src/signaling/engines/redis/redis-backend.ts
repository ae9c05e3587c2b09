import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { clientAddressKey } from '../../../auth/client-address.js';
import { AppConfig } from '../../../config/app-config.js';
import type { SignalingCensus } from '../../../metrics/signaling-metrics.js';
import { CallPushNotifier } from '../../../push/call-push-notifier.js';
import type { CallObserver } from '../../call-machine.types.js';
import type { CallSwitch } from '../../call-switch.js';
import type { CallStartLimits } from '../../call-start-limiter.js';
import {
  CloseCode,
  type ResumeFailedCode,
  type ResumeRequest,
  SUBPROTOCOL_V2,
  SYSTEM_USER,
} from '../../protocol.js';
import { ResumeToken } from '../../resume/resume-token.js';
import { type TrustProxyFn, upgradeAddress } from '../../resume/upgrade-address.js';
import { sentence } from '../../sentences.js';
import { replacedReason } from '../../session-cap.js';
import { SessionRegistry } from '../../session-registry.js';
import { type ResumeAttempt, type SessionHost, SignalingBackend } from '../../signaling-backend.js';
import { SignalingSession, sessionFields } from '../../signaling-session.js';
import { RESTART_REASON, closeWithinGrace } from '../../socket-closing.js';
import { ClusterCallStartLimiter } from './cluster-rate-limits.js';
import { PipelinedCallSwitch } from './pipelined-call-switch.js';
import { COMMAND_TIMEOUT_MS, RedisCommandError } from './redis-connection.js';
import { decodeChannel } from './redis-sessions.js';
import { RedisSignaling } from './redis-signaling.js';
import { SessionLink } from './session-link.js';

/**
 * The gateway's back end with REDIS_URL: the sessions, calls, sequence numbers and replay streams
 * in Redis so that every instance serves every user. Each socket's session is subscribed to its
 * channel; what any instance sends it arrives there numbered and is written in `seq` order. A
 * session's steps run one after another (SessionLink), although every step now waits for Redis.
 *
 * A restart ends no call: SIGTERM turns /health 503, refuses new sockets, hands every session to
 * its resume window (peers hear `reconnecting`) and closes the sockets with 1012; the clients
 * resume on another instance. A crashed instance's sessions are handed over by the others' sweep.
 */
@Injectable()
export class RedisBackend extends SignalingBackend {
  private readonly logger = new Logger('Signaling');
  private readonly links = new Map<SignalingSession, SessionLink>();
  private host!: SessionHost;
  readonly calls: CallSwitch;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly config: AppConfig,
    private readonly cluster: RedisSignaling,
    private readonly adapterHost: HttpAdapterHost,
    // Web Push (issue 21): absent in tests that build the back end by hand.
    @Optional() push?: CallPushNotifier,
  ) {
    super();
    this.calls = new PipelinedCallSwitch(cluster.calls, (session, error) =>
      this.host.failed(session as SignalingSession, error),
    );
    cluster.onFence(() => void this.handOffAll());
    if (push) {
      cluster.pushRinging.connect(push);
      push.attach(cluster.pushRinging);
    }
  }

  get serving(): boolean {
    return this.cluster.serving;
  }

  /** Shared by every instance (ClusterCallStartLimiter's scripts). */
  callStartLimits(limits: CallStartLimits): ClusterCallStartLimiter {
    return new ClusterCallStartLimiter(this.cluster, limits);
  }

  start(host: SessionHost, observers: readonly CallObserver[]): void {
    this.host = host;
    for (const observer of observers) {
      this.cluster.scripts.observe(observer);
    }
  }

  isInCall(sessionId: string): Promise<boolean> {
    return this.cluster.calls.isInCall(sessionId);
  }

  gauges(): SignalingCensus {
    // Sessions away and calls live in Redis, shared by every instance: not this one's to count.
    return { connected: () => this.registry.size };
  }

  live(session: SignalingSession): boolean {
    return this.links.has(session);
  }

  linkPushDevice(session: SignalingSession, device: string | undefined): Promise<void> {
    return this.cluster.pushRinging.linkDevice(session.id, device);
  }

  /**
   * Binds a session to this instance: its channel (frames written in seq order; held back until
   * the welcome or a resume's replay has been written) and its sends through Redis.
   */
  attach(session: SignalingSession): void {
    const link = new SessionLink(session, [], (error) => this.host.failed(session, error));
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
    link.subscribed = this.cluster.connection.subscribe(
      this.cluster.sessions.channel(session.id),
      link.listener((message) => this.onChannel(session, link, message)),
    );
  }

  holds(session: SignalingSession): boolean {
    return this.links.get(session)?.released === false;
  }

  run(session: SignalingSession, step: () => void | Promise<void>): void {
    this.links.get(session)?.run(step);
  }

  /** The open script admits the session (cap) and publishes its welcome on its channel. */
  async open(session: SignalingSession): Promise<void> {
    const link = this.linkOf(session);
    const token = session.socket.protocol === SUBPROTOCOL_V2 ? ResumeToken.issue() : undefined;
    await link.subscribed;
    const victims = await this.cluster.sessions.open(
      session.id,
      session.username,
      token?.hash,
      this.host.welcome(session, token?.token),
      session.user,
    );
    link.live();
    // The welcome comes back through the channel (another connection than the script's reply):
    // nothing else, not even a pong, may reach the client before it.
    await withTimeout(link.welcomed, COMMAND_TIMEOUT_MS, 'the welcome');
    this.host.scheduleExpiry(session);
    for (const victim of victims) {
      await this.evict(victim, victim === session.id);
    }
  }

  private linkOf(session: SignalingSession): SessionLink {
    const link = this.links.get(session);
    if (!link) {
      throw new Error(`session ${session.id} is not held here`);
    }
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

  /** The resuming socket gets a session of its own here (under the requested id) at once. */
  resume({ socket, user, request, upgrade }: ResumeAttempt): void {
    const session = new SignalingSession(socket, user, this.config.signaling, request.sessionId);
    this.host.attach(session);
    const link = this.linkOf(session);
    link.resuming = true;
    // Frames the client sends right after `resume` queue behind it.
    link.run(() => this.resumeOn(session, link, request, this.clientAddress(upgrade)));
  }

  /**
   * A resume, on whichever instance the client reached: subscribe first, then the resume script
   * (checks, new token, the missed frames from the stream), then `resumed`, the missed frames and
   * whatever arrived meanwhile, each seq once. The instance that held the old socket, if any,
   * closes it with 4002.
   */
  private async resumeOn(
    session: SignalingSession,
    link: SessionLink,
    request: ResumeRequest,
    address: string,
  ): Promise<void> {
    const { user } = session;
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
    this.host.resumed(session, next.token, outcome.call, outcome.missed.length);
    link.replay(outcome.missed, request.lastSeq);
    this.host.scheduleExpiry(session);
  }

  private async resumeFailed(
    session: SignalingSession,
    link: SessionLink,
    code: ResumeFailedCode,
  ): Promise<void> {
    await this.detach(session, link);
    this.host.resumeFailed(session.socket, session.user, code);
  }

  /** The client address of an upgrade, by Express's `trust proxy` rule (TRUST_PROXY). */
  private clientAddress(request: IncomingMessage): string {
    const express = this.adapterHost.httpAdapter.getInstance<{ get(name: string): TrustProxyFn }>();
    return clientAddressKey(upgradeAddress(request, express.get('trust proxy fn')));
  }

  async socketClosed(session: SignalingSession, away: boolean): Promise<void> {
    const link = this.links.get(session);
    if (!link) {
      return; // released meanwhile (taken over): the session is no longer this socket's
    }
    await this.detach(session, link);
    if (away) {
      await this.cluster.sessions.away(session.id);
    } else {
      await this.cluster.sessions.drop(session.id);
    }
  }

  /** It ends in Redis now, not when the close handshake is over (SignalingGateway.attach). */
  closing(session: SignalingSession): void {
    const link = this.links.get(session);
    link?.run(async () => {
      if (link.released) {
        return; // the session lives on elsewhere (taken over): not this socket's to end
      }
      if (await this.cluster.sessions.drop(session.id)) {
        this.logger.log({
          msg: 'session ended while its socket closes',
          ...sessionFields(session),
        });
      }
    });
  }

  end(): void {
    // Closing it already ends it in Redis (closing), cutting it through its socket's close.
  }

  *pinged(): Iterable<SignalingSession> {
    for (const session of this.links.keys()) {
      if (session.socket.protocol !== SUBPROTOCOL_V2) {
        yield session;
      }
    }
  }

  /** Redis away or too slow: `server_error`, and the session carries on. */
  recovered(session: SignalingSession, error: unknown): boolean {
    if (!(error instanceof RedisCommandError)) {
      return false;
    }
    this.logger.warn({ msg: 'Redis failed a frame', ...sessionFields(session), err: error });
    const reply = {
      type: 'error' as const,
      fromUser: SYSTEM_USER,
      toUser: session.username,
      code: 'server_error' as const,
      msg: sentence('server_error', session.username),
    };
    session.write(JSON.stringify(reply)); // not numbered: Redis, which numbers, is away
    return true;
  }

  /** Forgets the session here (not in Redis): timers, silence watch, channel, registry. */
  private async detach(session: SignalingSession, link: SessionLink): Promise<void> {
    link.released = true;
    this.links.delete(session);
    this.host.cancelExpiry(session);
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
    const reason = replacedReason(newest);
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
  async shutdown(): Promise<void> {
    this.cluster.draining = true;
    try {
      await this.cluster.release();
    } catch (error) {
      this.logger.error(`handing sessions over failed (Redis away?): ${String(error)}`);
    }
    await this.handOffAll();
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }

  /** Closes every socket here with 1012 without ending its session (its state is in Redis). */
  private handOffAll(): Promise<void> {
    return closeWithinGrace(this.links.keys(), (session) =>
      this.release(session, this.links.get(session), CloseCode.SERVICE_RESTART, RESTART_REASON),
    );
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
