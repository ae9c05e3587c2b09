import type { Repository } from 'typeorm';
import { DatabaseTokenRevocations } from '../../../auth/database-token-revocations.js';
import { LoginAttempts } from '../../../auth/login-attempts.js';
import type { LoginThrottle } from '../../../auth/login-throttle.js';
import { LocalRateBuckets, type RateBuckets } from '../../../auth/rate-buckets.js';
import type { RevokedToken } from '../../../auth/revoked-token.entity.js';
import type { TokenRevocations } from '../../../auth/token-revocations.js';
import { type ContactEvents, LocalContactEvents } from '../../../contacts/contact-events.js';
import { LocalPresence, type Presence, type PresenceCounter } from '../../../users/presence.js';
import type { UsersService } from '../../../users/users.service.js';
import type { LockoutLimits, SignalingEngine } from '../../engine.js';

/**
 * One process, no REDIS_URL: every seam in this process's memory (revocations in the database,
 * mirrored here). The call rules run in CallMachine, driven by SignalingGateway through
 * MemoryBackend.
 */
export class MemoryEngine implements SignalingEngine {
  readonly name = 'memory';
  readonly health = undefined;

  /** Presence counted from this process's sessions: one object behind both seams. */
  private readonly localPresence = new LocalPresence();

  presence(): Presence {
    return this.localPresence;
  }

  presenceCounter(): PresenceCounter {
    return this.localPresence;
  }

  contactEvents(): ContactEvents {
    return new LocalContactEvents();
  }

  tokenRevocations(revoked: Repository<RevokedToken>, users: UsersService): TokenRevocations {
    return new DatabaseTokenRevocations(revoked, users);
  }

  rateBuckets(): RateBuckets {
    return new LocalRateBuckets();
  }

  loginThrottle(limits: LockoutLimits): LoginThrottle {
    return new LoginAttempts(limits);
  }
}
