import type { Provider } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RevokedToken } from '../auth/revoked-token.entity.js';
import { TokenRevocations } from '../auth/token-revocations.js';
import { ContactEvents } from '../contacts/contact-events.js';
import { Presence } from '../users/presence.js';
import { UsersService } from '../users/users.service.js';
import { SignalingEngine } from './engine.js';

/**
 * The state beyond signaling that every instance must share, each provided in its own feature
 * module by asking the engine (SignalingEngineModule, global): who is online, contact events,
 * revocations.
 */
export const presenceProvider: Provider = {
  provide: Presence,
  inject: [SignalingEngine],
  useFactory: (engine: SignalingEngine) => engine.presence(),
};

export const contactEventsProvider: Provider = {
  provide: ContactEvents,
  inject: [SignalingEngine],
  useFactory: (engine: SignalingEngine) => engine.contactEvents(),
};

export const tokenRevocationsProvider: Provider = {
  provide: TokenRevocations,
  inject: [getRepositoryToken(RevokedToken), UsersService, SignalingEngine],
  useFactory: (revoked: Repository<RevokedToken>, users: UsersService, engine: SignalingEngine) =>
    engine.tokenRevocations(revoked, users),
};
