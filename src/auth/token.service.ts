import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { User } from '../users/user.entity.js';

/** Who a valid token speaks for. */
export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string;
  /** When the token stops being valid, in ms since the epoch. */
  expiresAt: number;
}

interface Claims {
  sub: string;
  username: string;
  name: string;
  exp: number;
}

/**
 * Signs and verifies access tokens. The module configures HS256 with a KeyObject secret and pins
 * the algorithm, issuer and audience on verification (auth.module.ts).
 */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(user: Pick<User, 'id' | 'username' | 'displayName'>): string {
    return this.jwt.sign({ username: user.username, name: user.displayName }, { subject: user.id });
  }

  /** The token's user, or undefined for a missing, malformed, forged or expired token. */
  verify(token: string | undefined): AuthenticatedUser | undefined {
    if (!token) {
      return undefined;
    }
    try {
      const claims = this.jwt.verify<Claims>(token);
      return {
        id: claims.sub,
        username: claims.username,
        displayName: claims.name,
        expiresAt: claims.exp * 1000,
      };
    } catch {
      return undefined;
    }
  }
}
