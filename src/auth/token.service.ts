import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { User } from '../users/user.entity.js';
import type { RevocableToken } from './revocation-list.js';
import { TokenRevocations } from './token-revocations.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Verified tokens remembered (about 0.7 KB each): one per connection of a busy instance. */
const VERIFIED_TOKENS_KEPT = 20_000;

/** Who a valid token speaks for, and which token it is (so that logout can revoke it). */
export interface AuthenticatedUser extends RevocableToken {
  id: string;
  username: string;
  displayName: string;
}

interface Claims {
  sub: string;
  username: string;
  name: string;
  exp: number;
  jti?: unknown;
  gen?: unknown;
}

/**
 * Signs and verifies access tokens. The module configures HS256 with a KeyObject secret and pins
 * the algorithm, issuer and audience on verification (auth.module.ts). Every token has an id
 * (`jti`) and the account's token generation (`gen`); a revoked one is as invalid as a forged one.
 */
@Injectable()
export class TokenService {
  private readonly verified = new VerifiedTokens<AuthenticatedUser>(VERIFIED_TOKENS_KEPT);

  constructor(
    private readonly jwt: JwtService,
    // Only the check is needed here; a RevocationList serves as well in unit tests.
    @Inject(TokenRevocations) private readonly revocations: Pick<TokenRevocations, 'isRevoked'>,
  ) {}

  sign(user: Pick<User, 'id' | 'username' | 'displayName' | 'tokenGeneration'>): string {
    return this.jwt.sign(
      { username: user.username, name: user.displayName, gen: user.tokenGeneration },
      { subject: user.id, jwtid: randomUUID() },
    );
  }

  /**
   * The token's user, or undefined for a missing, malformed, forged, expired or revoked token.
   * Asynchronous only when the revocations must be re-read first (their copy may be stale).
   */
  async verify(token: string | undefined): Promise<AuthenticatedUser | undefined> {
    if (!token) {
      return undefined;
    }
    const user = this.verified.get(token) ?? this.verifySignature(token);
    return user && !(await this.revocations.isRevoked(user)) ? user : undefined;
  }

  /** Signature, algorithm, issuer, audience and expiry; remembered when they hold. */
  private verifySignature(token: string): AuthenticatedUser | undefined {
    let claims: Claims;
    try {
      claims = this.jwt.verify<Claims>(token);
    } catch {
      return undefined;
    }
    // Without an id a token could not be revoked by logging out, so it is not accepted at all.
    if (typeof claims.jti !== 'string' || claims.jti === '') {
      return undefined;
    }
    // Frozen: every later presentation of the token is handed this same object.
    const user: AuthenticatedUser = Object.freeze({
      id: claims.sub,
      username: claims.username,
      displayName: claims.name,
      expiresAt: claims.exp * 1000,
      tokenId: claims.jti,
      generation: typeof claims.gen === 'number' ? claims.gen : 0,
    });
    this.verified.add(token, user);
    return user;
  }
}
