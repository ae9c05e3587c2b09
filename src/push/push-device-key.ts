import { createHash } from 'node:crypto';

/**
 * A push subscription as the call rules know it: a digest of its endpoint (128 bits, base64url).
 * The endpoint itself is a capability (whoever holds it can push to the device), so it is never
 * copied into the signaling state (Redis); and the digest is of fixed, small size whatever the
 * push service. A page names its browser's endpoint (push_device); a call_start's callee's
 * subscriptions are looked up by the same digest, so the two meet without the endpoint.
 */
export function pushDeviceKey(endpoint: string): string {
  return createHash('sha256').update(endpoint, 'utf8').digest('base64url').slice(0, 22);
}
