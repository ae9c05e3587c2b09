import type { Repository } from 'typeorm';
import { DatabaseTokenRevocations } from '../../../auth/database-token-revocations.js';
import type { RevokedToken } from '../../../auth/revoked-token.entity.js';
import type { RevocableToken } from '../../../auth/revocation-list.js';
import type { RevokedAccount } from '../../../auth/token-revocations.js';
import type { UsersService } from '../../../users/users.service.js';
import type { RedisSignaling } from './redis-signaling.js';

/**
 * Revocations for several instances: written to the database as on one instance, then announced
 * on the bus; every other instance re-reads the revocations from the database (logouts are rare,
 * the read is the start-up one) and closes that account's revoked sockets it holds.
 */
export class ClusterTokenRevocations extends DatabaseTokenRevocations {
  constructor(
    revoked: Repository<RevokedToken>,
    users: UsersService,
    private readonly cluster: RedisSignaling,
  ) {
    super(revoked, users);
    cluster.bus.on('revoked', ({ id, username, origin }) => {
      if (origin !== cluster.node) {
        void this.reload({ id, username });
      }
    });
  }

  override async revoke(token: RevocableToken & RevokedAccount): Promise<void> {
    await super.revoke(token);
    await this.announce(token);
  }

  override async revokeAll(account: RevokedAccount): Promise<void> {
    await super.revokeAll(account);
    await this.announce(account);
  }

  override async accountDeleted(account: RevokedAccount): Promise<void> {
    await super.accountDeleted(account);
    await this.announce(account);
  }

  private async announce({ id, username }: RevokedAccount): Promise<void> {
    await this.cluster.bus.publish({ kind: 'revoked', id, username, origin: this.cluster.node });
  }

  private async reload(account: RevokedAccount): Promise<void> {
    await this.onModuleInit();
    this.notify(account);
  }
}
