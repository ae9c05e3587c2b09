import type { RevocableToken } from './revocation-list.js';

/** Whose tokens were just revoked: the signaling gateway closes their sockets that now fail. */
export interface RevokedAccount {
  id: string;
  username: string;
}

/**
 * The seam for logout. Checks are synchronous (every request and upgrade asks), so an
 * implementation keeps what it needs in memory and writes through to where other instances and
 * restarts will find it: today the database (DatabaseTokenRevocations); with several instances, a
 * Redis implementation that also publishes each revocation so every instance's copy and sockets
 * follow within a moment.
 */
export abstract class TokenRevocations {
  abstract isRevoked(token: RevocableToken): boolean;

  /** Logout: this one token is refused from now until it expires. */
  abstract revoke(token: RevocableToken & RevokedAccount): Promise<void>;

  /** Log out everywhere: every token of this account signed so far is refused. */
  abstract revokeAll(account: RevokedAccount): Promise<void>;

  /**
   * The account was deleted (UsersService.remove keeps its tombstone): every token it ever had
   * is refused, for as long as any of them could still be unexpired, restarts included.
   */
  abstract accountDeleted(account: RevokedAccount): Promise<void>;

  /** Called after each revocation, once it applies to isRevoked. */
  abstract onRevoked(listener: (account: RevokedAccount) => void): void;
}
