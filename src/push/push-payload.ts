/**
 * What a push message carries (encrypted; the push service sees none of it). One definition for
 * the server that sends and the service worker (client/sw/) that shows it. No SDP, no more than
 * the notification needs: the call itself is set up over signaling once a page opens.
 */
export interface CallPushPayload {
  type: 'call';
  callId: string;
  from: { username: string; displayName: string };
  /** Epoch milliseconds: when the ring times out; the notification is stale after it. */
  expiresAt: number;
}

/** Why a ring ended without this device answering. */
export type RingEndReason = 'cancelled' | 'timeout' | 'answered_elsewhere' | 'declined';

/** Sent with the same Topic when the ring ends, so a pending `call` message is replaced. */
export interface CallEndedPushPayload {
  type: 'call_ended';
  callId: string;
  reason: RingEndReason;
}

export type PushPayload = CallPushPayload | CallEndedPushPayload;

/**
 * The Topic header (RFC 8030 §5.4): at most 32 base64url characters, so the call's UUID without
 * its hyphens. A push service keeps only the newest message per topic for an offline device.
 */
export function pushTopic(callId: string): string {
  return callId.replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
}
