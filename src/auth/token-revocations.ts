import type { RevocableToken } from './revocation-list.js';

/** Whose tokens were just revoked: the signaling gateway closes their sockets that now fail. */
export interface RevokedAccount {
  id: string;
  username: string;
}

/**
 * What a revocation listener is told: the account whose tokens were revoked, or undefined when
 * the revocations were re-read because some may have been missed (any account's: every session
 * is to be checked again).
 */
export type RevocationListener = (account: RevokedAccount | undefined) => void;

/**
 * The seam for logout. Every request and upgrade asks, so an implementation answers from a copy
 * in memory and writes through to where other instances and restarts will find it: the database
 * (DatabaseTokenRevocations); with several instances, Redis also announces each revocation and
 * numbers it, so that an instance can tell when its copy may have missed one
 * (ClusterTokenRevocations). A check never trusts a copy that may be staler than a bound: it
 * re-reads first (hence the promise).
 */
export abstract class TokenRevocations {
  abstract isRevoked(token: RevocableToken): boolean | Promise<boolean>;

  /** Logout: this one token is refused from now until it expires. */
  abstract revoke(token: RevocableToken & RevokedAccount): Promise<void>;

  /** Log out everywhere: every token of this account signed so far is refused. */
  abstract revokeAll(account: RevokedAccount): Promise<void>;

  /**
   * The account was deleted (UsersService.remove keeps its tombstone): every token it ever had
   * is refused, for as long as any of them could still be unexpired, restarts included.
   */
  abstract accountDeleted(account: RevokedAccount): Promise<void>;

  /** Called after each revocation (or re-read), once it applies to isRevoked. */
  abstract onRevoked(listener: RevocationListener): void;
}
