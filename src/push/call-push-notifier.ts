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
  /** The devices to ring (pushDeviceKeys, those without an open page); absent: every one. */
  readonly devices?: readonly string[];
}

/** A ring that ended: whose devices, and which of them were rung (pushDeviceKeys). */
export interface EndedRing {
  readonly to: string;
  readonly devices: readonly string[];
}

/**
 * The call core's side of a notification's Decline, answered by the engine that holds the calls
 * (in memory, or the Redis scripts, so that any instance answers for any call).
 */
export interface RingingCalls {
  /** Whether `callId` is ringing `callee`. */
  isRinging(callId: string, callee: string): boolean | Promise<boolean>;
  /** Declines it as the callee's page would; false when it is no longer ringing `callee`. */
  decline(callId: string, callee: string): boolean | Promise<boolean>;
}

/**
 * The seam between the call rules and Web Push. The call core asks `devicesOf` before answering
 * `offline`, calls `ring` with the callee's devices that have no open page, and `ringEnded` when
 * that ring stops unanswered — on Redis from whichever instance ended it, hence `ended` (the
 * devices rung, from the call record). It registers its `RingingCalls` (`attach`) so that a
 * notification's Decline (POST /calls/<callId>/decline) declines the call as the callee's page
 * would. Neither `ring` nor `ringEnded` waits for a push service: signaling is never slowed.
 */
export abstract class CallPushNotifier {
  /** Whether `username` has any subscribed device, i.e. whether a push could ring it. */
  abstract canRing(username: string): Promise<boolean>;
  /** The pushDeviceKeys of `username`'s subscribed devices ([] for an unknown account). */
  abstract devicesOf(username: string): Promise<string[]>;
  abstract ring(call: PushedCall): void;
  abstract ringEnded(callId: string, reason: RingEndReason, ended?: EndedRing): void;
  /** Whether `callId` is ringing `username` (the call core answers; false before `attach`). */
  abstract isRinging(callId: string, username: string): Promise<boolean>;
  abstract attach(calls: RingingCalls): void;
  /** Resolves when every push started so far is settled (for tests, benchmarks and shutdown). */
  abstract settled(): Promise<void>;
}
