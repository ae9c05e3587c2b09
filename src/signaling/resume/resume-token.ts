import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits: far past guessing, and still short on the wire (43 base64url characters). */
const TOKEN_BYTES = 32;

/**
 * A session's resume secret. Only its SHA-256 is kept, so a memory dump or a shared store (Redis)
 * never holds a working token; the token itself leaves the server once, in `welcome`/`resumed`.
 */
export class ResumeToken {
  private constructor(
    /** What the client gets; never stored, never logged. */
    readonly token: string,
    readonly hash: Buffer,
  ) {}

  static issue(): ResumeToken {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    return new ResumeToken(token, hashOf(token));
  }
}

/** Whether `token` is the one `hash` was made from, in time that does not depend on where they differ. */
export function tokenMatches(hash: Buffer, token: string): boolean {
  return timingSafeEqual(hash, hashOf(token));
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
