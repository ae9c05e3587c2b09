import type { Repository } from 'typeorm';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { RateBuckets } from '../auth/rate-buckets.js';
import type { RevokedToken } from '../auth/revoked-token.entity.js';
import type { TokenRevocations } from '../auth/token-revocations.js';
import type { ContactEvents } from '../contacts/contact-events.js';
import type { Presence, PresenceCounter } from '../users/presence.js';
import type { UsersService } from '../users/users.service.js';

/** What /health shows for the engine: nothing (memory), or whether its shared store answers. */
export interface EngineHealth {
  /** The indicator's name in GET /health ("redis"). */
  readonly name: string;
  /** undefined when serving; otherwise why not (the 503's message). */
  check(): Promise<string | undefined>;
}

/** The login lock-out's limits (LOGIN_MAX_FAILURES, LOGIN_LOCKOUT). */
export interface LockoutLimits {
  maxFailures: number;
  windowMs: number;
}

/**
 * The state every instance must share, as the rest of the app sees it. One implementation per
 * engine (src/signaling/engines/<engine>/), chosen once from the configuration by
 * SignalingEngineModule (src/signaling/engines/engine.module.ts); nothing outside
 * src/signaling/engines imports an engine (src/signaling/engines/engine-imports.spec.ts checks).
 * Each seam's own interface is named in the return type; docs/architecture.md lists them.
 */
export abstract class SignalingEngine {
  /** "memory" or "redis": log lines and the metrics' help name it. */
  abstract readonly name: string;
  /** What GET /health asks, or undefined when the engine has nothing to report (memory). */
  abstract readonly health: EngineHealth | undefined;
  /** Who is online (a user's first session opened / last one closed), with change listeners. */
  abstract presence(): Presence | Promise<Presence>;
  /**
   * Where SessionRegistry reports the sessions this process opens and closes, when presence is
   * counted from them (memory); undefined when the engine's session store counts them (Redis).
   */
  abstract presenceCounter(): PresenceCounter | undefined;
  /** Contact events to the sessions of a user, wherever they are held. */
  abstract contactEvents(): ContactEvents;
  /** Logouts, log-out-everywhere and deletions, heard by every instance. */
  abstract tokenRevocations(
    revoked: Repository<RevokedToken>,
    users: UsersService,
  ): TokenRevocations;
  /** The HTTP request budgets (directory search, contact requests, account routes). */
  abstract rateBuckets(): RateBuckets;
  /** The per-account-and-address login lock-out. */
  abstract loginThrottle(limits: LockoutLimits): LoginThrottle;
}
