import type { Repository } from 'typeorm';
import type { LoginThrottle } from '../../../auth/login-throttle.js';
import type { RateBuckets } from '../../../auth/rate-buckets.js';
import { DatabaseTokenRevocations } from '../../../auth/database-token-revocations.js';
import type { RevokedToken } from '../../../auth/revoked-token.entity.js';
import type { TokenRevocations } from '../../../auth/token-revocations.js';
import type { ContactEvents } from '../../../contacts/contact-events.js';
import type { Presence } from '../../../users/presence.js';
import type { UsersService } from '../../../users/users.service.js';
import type { EngineHealth, LockoutLimits, SignalingEngine } from '../../engine.js';
import { ClusterContactEvents } from './cluster-contact-events.js';
import { ClusterPresence } from './cluster-presence.js';
import { ClusterLoginThrottle, ClusterRateBuckets } from './cluster-rate-limits.js';
import { ClusterTokenRevocations } from './cluster-token-revocations.js';
import type { RedisSignaling } from './redis-signaling.js';

/**
 * REDIS_URL: every seam shared by the instances through one Redis (a single node or a primary,
 * not a Redis Cluster). The call rules run in RedisCallSwitch, driven by SignalingGateway through
 * RedisBackend.
 */
export class RedisEngine implements SignalingEngine {
  readonly name = 'redis';
  readonly health: EngineHealth;

  constructor(
    private readonly cluster: RedisSignaling,
    /** REVOCATION_MAX_STALE_MS. */
    private readonly revocationMaxStaleMs: number,
  ) {
    this.health = { name: 'redis', check: () => this.check() };
  }

  async presence(): Promise<Presence> {
    const presence = new ClusterPresence(this.cluster);
    await presence.load();
    return presence;
  }

  /** The open and end scripts count every instance's sessions in Redis. */
  presenceCounter(): undefined {
    return undefined;
  }

  contactEvents(): ContactEvents {
    return new ClusterContactEvents(this.cluster);
  }

  tokenRevocations(revoked: Repository<RevokedToken>, users: UsersService): TokenRevocations {
    const local = new DatabaseTokenRevocations(revoked, users);
    return new ClusterTokenRevocations(local, this.cluster, this.revocationMaxStaleMs);
  }

  rateBuckets(): RateBuckets {
    return new ClusterRateBuckets(this.cluster);
  }

  loginThrottle(limits: LockoutLimits): LoginThrottle {
    return new ClusterLoginThrottle(this.cluster, limits);
  }

  /** 503 while shutting down, fenced, or Redis does not answer a PING. */
  private async check(): Promise<string | undefined> {
    if (this.cluster.draining) {
      return 'shutting down';
    }
    if (!this.cluster.serving) {
      return 'Redis unreachable';
    }
    try {
      await this.cluster.connection.ping();
      return undefined;
    } catch {
      return 'Redis unreachable';
    }
  }
}
