import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/token.service.js';
import type { SignalingCensus } from '../metrics/signaling-metrics.js';
import type { CallSwitch } from './call-switch.js';
import type { CallObserver } from './call-machine.types.js';
import type { CallStartGate, CallStartLimits } from './call-start-limiter.js';
import type { ResumeFailedCode, ResumeRequest, ResumedCall, ServerMessage } from './protocol.js';
import type { SignalingSession } from './signaling-session.js';

/**
 * What SignalingGateway lends its back end: the parts of a session's life that are the same on
 * every engine (the socket's listeners, the welcome, token expiry, the failure rule).
 */
export interface SessionHost {
  /** A step of this session threw (now or once awaited): the gateway's one failure rule. */
  failed(session: SignalingSession, error: unknown): void;
  /** Binds a session to this instance: metrics, the back end, its socket, its closing hook. */
  attach(session: SignalingSession): void;
  /** Listens to the session's current socket (frames, pongs, close, silence). */
  bind(session: SignalingSession): void;
  /** Opens a new session on a socket (a failed resume continues as a new session). */
  open(session: SignalingSession): void;
  /** A new session's `welcome`; `resumeToken` on protocol 2. */
  welcome(session: SignalingSession, resumeToken: string | undefined): ServerMessage;
  /** The session is open or resumed here: its token's expiry runs. */
  scheduleExpiry(session: SignalingSession): void;
  /** The session no longer runs here: its expiry timers stop. */
  cancelExpiry(session: SignalingSession): void;
  /** A resume succeeded: logged, and `resumed` sent on the new socket (not numbered). */
  resumed(session: SignalingSession, token: string, call: ResumedCall | null, missed: number): void;
  /** A resume failed: logged, `resume_failed`, then a new session on the same socket. */
  resumeFailed(socket: WebSocket, user: AuthenticatedUser, code: ResumeFailedCode): void;
}

/** A protocol 2 socket whose first frame is `resume`, with its upgrade request (the address). */
export interface ResumeAttempt {
  socket: WebSocket;
  user: AuthenticatedUser;
  request: ResumeRequest;
  upgrade: IncomingMessage;
}

/**
 * What differs between engines under the one SignalingGateway: where a session is admitted
 * (under the per-user cap), how its messages are routed, numbered and replayed, how it resumes,
 * which call switch its frames drive, and what closing and shutdown mean. The gateway keeps the
 * socket lifecycle; an engine supplies this (engines/memory/memory-backend.ts,
 * engines/redis/redis-backend.ts), chosen by SignalingEngineModule.gatewayProviders.
 */
export abstract class SignalingBackend {
  /** What a session's frames drive (CallMachine in memory, the Redis scripts). */
  abstract readonly calls: CallSwitch;
  /** False while the instance drains or is fenced: new sockets are closed with 1012. */
  abstract readonly serving: boolean;
  /**
   * The call_start limits (ring-bombing budgets, the decline cooldown) as this engine keeps them:
   * per process in memory; in Redis for every instance, since an answer or a decline is heard by
   * the instance that handled it, often not the caller's. The gateway observes calls with it.
   */
  abstract callStartLimits(limits: CallStartLimits): CallStartGate & CallObserver;
  /** Called once by the gateway before any socket: the host and the call observers. */
  abstract start(host: SessionHost, observers: readonly CallObserver[]): void;
  /** Whether the session is in a call (token expiry waits for its end); Redis asks Redis. */
  abstract isInCall(sessionId: string): boolean | Promise<boolean>;
  /** What GET /metrics reads about the sessions and calls this back end can count. */
  abstract gauges(): SignalingCensus;
  /** Whether the session is still held here (its account look-up has answered meanwhile). */
  abstract live(session: SignalingSession): boolean;
  /** push_device: the page's browser is this subscribed device (undefined: none). */
  abstract linkPushDevice(
    session: SignalingSession,
    device: string | undefined,
  ): void | Promise<void>;
  /** Binds a new or resuming session to this instance, before its socket's listeners. */
  abstract attach(session: SignalingSession): void;
  /** Whether `socket`'s frames and close still speak for the session (not taken over). */
  abstract holds(session: SignalingSession, socket: WebSocket): boolean;
  /**
   * Runs one step of a session (a frame, its close); a failure goes to `SessionHost.failed`.
   * Called for every relayed frame: no allocation or await of its own in memory.
   */
  abstract run(session: SignalingSession, step: () => void | Promise<void>): void;
  /** Admits a new session (the cap), sends its welcome and schedules its expiry. */
  abstract open(session: SignalingSession): void | Promise<void>;
  /** A protocol 2 socket's first frame is `resume`. */
  abstract resume(attempt: ResumeAttempt): void;
  /** The session's socket closed; `away`: it waits in its resume window instead of ending. */
  abstract socketClosed(session: SignalingSession, away: boolean): void | Promise<void>;
  /** The server started closing the session (SignalingSession.whenClosing): it ends now. */
  abstract closing(session: SignalingSession): void;
  /**
   * The gateway closed or cut the session's socket (a failure, unanswered pings, the cap): end it
   * now if the engine does not already through `closing` or the socket's close.
   */
  abstract end(session: SignalingSession): void;
  /** The sessions whose sockets get WebSocket pings (protocol 1). */
  abstract pinged(): Iterable<SignalingSession>;
  /** A failure the session survives (Redis away: `server_error`); true if it was handled so. */
  abstract recovered(session: SignalingSession, error: unknown): boolean;
  /** SIGTERM, before the call history is flushed: end or hand off every session. */
  abstract shutdown(): Promise<void>;
  /** After the call history is flushed: let go of shared resources. */
  abstract stop(): Promise<void>;
}
