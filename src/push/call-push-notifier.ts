import type { RingEndReason } from './push-payload.js';

/** A call that rings its callee's devices by push. */
export interface PushedCall {
  readonly callId: string;
  /** An empty display name is looked up. */
  readonly from: { readonly username: string; readonly displayName: string };
  /** The callee's username. */
  readonly to: string;
  /** Epoch ms: when the ring times out (RING_TIMEOUT_MS after the call started). */
  readonly expiresAt: number;
}

/** Declines a ringing call on behalf of its callee; false when it is no longer ringing. */
export type DeclineHandler = (callId: string, callee: string) => boolean | Promise<boolean>;

/**
 * The seam between the call rules and Web Push. The call core asks `canRing` before answering
 * `offline`, calls `ring` when a callee with subscriptions has no open page, and `ringEnded` when
 * that ring stops unanswered; it registers a `DeclineHandler` so that a notification's Decline
 * (POST /calls/<callId>/decline) declines the call as the callee's page would. Neither `ring` nor
 * `ringEnded` waits for a push service: signaling is never slowed by one.
 */
export abstract class CallPushNotifier {
  /** Whether `username` has any subscribed device, i.e. whether a push could ring it. */
  abstract canRing(username: string): Promise<boolean>;
  abstract ring(call: PushedCall): void;
  abstract ringEnded(callId: string, reason: RingEndReason): void;
  /** Whether `callId` is ringing `username` by push (the decline endpoint checks this). */
  abstract isRinging(callId: string, username: string): boolean;
  abstract onDecline(handler: DeclineHandler): void;
  /** Resolves when every push started so far is settled (for tests, benchmarks and shutdown). */
  abstract settled(): Promise<void>;
}
