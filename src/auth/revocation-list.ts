/** What revocation needs to know of an access token (see AuthenticatedUser). */
export interface RevocableToken {
  /** The token's `jti`. */
  tokenId: string;
  /** The account's id (`sub`). */
  id: string;
  /** The account's token generation when the token was signed (`gen`). */
  generation: number;
  /** When the token expires anyway, in ms since the epoch. */
  expiresAt: number;
}

/**
 * The revocations every request is checked against, in memory so that the check is a map look-up
 * on the hot paths (each HTTP request, each WebSocket upgrade). Two kinds: single tokens (logout),
 * kept until their expiry, and a per-account generation (log out everywhere) below which every
 * token of that account is refused.
 */
export class RevocationList {
  private readonly tokens = new Map<string, number>();
  private readonly generations = new Map<string, number>();

  isRevoked(token: RevocableToken): boolean {
    return (
      this.tokens.has(token.tokenId) || token.generation < (this.generations.get(token.id) ?? 0)
    );
  }

  /** False when the token was already revoked. */
  revoke(tokenId: string, expiresAt: number): boolean {
    if (this.tokens.has(tokenId)) {
      return false;
    }
    this.tokens.set(tokenId, expiresAt);
    return true;
  }

  /** Tokens of `userId` signed with a generation below `generation` are revoked. */
  setGeneration(userId: string, generation: number): void {
    if (generation > (this.generations.get(userId) ?? 0)) {
      this.generations.set(userId, generation);
    }
  }

  /** Forgets tokens that have expired: they are refused for their expiry alone. */
  sweep(now: number): void {
    for (const [tokenId, expiresAt] of this.tokens) {
      if (expiresAt <= now) {
        this.tokens.delete(tokenId);
      }
    }
  }

  get size(): number {
    return this.tokens.size;
  }
}
