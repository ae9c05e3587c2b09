import { createHmac } from 'node:crypto';

/** A time-limited TURN login in the "TURN REST API" form that coturn's `use-auth-secret` checks. */
export interface TurnCredential {
  /** `<unix expiry seconds>:<user id>`: coturn refuses it after the expiry, no state needed. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)), which coturn recomputes from its `static-auth-secret`. */
  credential: string;
}

export function turnCredential(
  secret: string,
  userId: string,
  ttlSeconds: number,
  nowMs: number,
): TurnCredential {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}
