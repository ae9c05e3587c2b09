import type { Provider } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DatabaseTokenRevocations } from '../../auth/database-token-revocations.js';
import { RevokedToken } from '../../auth/revoked-token.entity.js';
import { TokenRevocations } from '../../auth/token-revocations.js';
import { ContactEvents, LocalContactEvents } from '../../contacts/contact-events.js';
import { PresenceService } from '../../users/presence.service.js';
import { UsersService } from '../../users/users.service.js';
import { ClusterContactEvents } from './redis/cluster-contact-events.js';
import { ClusterPresence } from './redis/cluster-presence.js';
import { ClusterTokenRevocations } from './redis/cluster-token-revocations.js';
import { RedisSignaling } from './redis/redis-signaling.js';

/** RedisSignaling exists only with REDIS_URL (SignalingBackendModule, global). */
const cluster = { token: RedisSignaling, optional: true };

/**
 * The state beyond signaling that every instance must share, each in this process's memory
 * without REDIS_URL and across instances with it: who is online, contact events, revocations.
 */
export const presenceProvider: Provider = {
  provide: PresenceService,
  inject: [cluster],
  useFactory: async (redis?: RedisSignaling) => {
    if (!redis) {
      return new PresenceService();
    }
    const presence = new ClusterPresence(redis);
    await presence.load();
    return presence;
  },
};

export const contactEventsProvider: Provider = {
  provide: ContactEvents,
  inject: [cluster],
  useFactory: (redis?: RedisSignaling) =>
    redis ? new ClusterContactEvents(redis) : new LocalContactEvents(),
};

export const tokenRevocationsProvider: Provider = {
  provide: TokenRevocations,
  inject: [getRepositoryToken(RevokedToken), UsersService, cluster],
  useFactory: (revoked: Repository<RevokedToken>, users: UsersService, redis?: RedisSignaling) =>
    redis
      ? new ClusterTokenRevocations(revoked, users, redis)
      : new DatabaseTokenRevocations(revoked, users),
};
