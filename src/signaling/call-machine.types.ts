import type { HangupCode, CallBackCode, ServerMessage } from './protocol.js';

/** A signaling session as the call machine sees it: no socket, just who and which. */
export interface SessionRef {
  readonly id: string;
  readonly username: string;
  /**
   * Web Push (issue 21): the push subscription (its pushDeviceKey) of the browser this session's
   * page runs in, as the page said (push_device); that device rings here, not by push.
   */
  readonly pushDevice?: string;
  /** The protocol version it speaks (absent: 1); call waiting rings only protocol 2 sessions. */
  readonly protocol?: 1 | 2;
}

/** Where the machine's messages go; the gateway delivers them over WebSocket. */
export interface Outbox {
  send(sessionId: string, message: ServerMessage): void;
}

/** Which sessions a user has open right now. */
export interface SessionDirectory {
  sessionsOf(username: string): readonly SessionRef[];
}

export interface Timers {
  set(ms: number, callback: () => void): unknown;
  clear(handle: unknown): void;
}

/** How a call ended; history records it. */
export type EndCode = CallBackCode | HangupCode;

export interface CallSummary {
  readonly id: string;
  readonly caller: string;
  readonly callee: string;
  readonly callerSession: string;
  readonly calleeSession: string | undefined;
  /** An attempt the callee did not allow: recorded for the caller only (as `offline`). */
  readonly hiddenFromCallee?: boolean;
}

/**
 * What the account directory and the callee's privacy settings say about a call_start (looked up
 * before the machine is asked): `ring` rings if the callee is online and free; `refused` (a
 * blocked caller, a stranger while only contacts may ring) is answered exactly as an offline
 * callee and never shown to the callee; `do_not_disturb` rings nobody, is recorded as missed, and
 * the caller hears `unavailable`.
 */
export type CallAccess = 'ring' | 'unknown_user' | 'refused' | 'do_not_disturb';

/** Told about state changes (never about relayed messages): call history, deferred session closes. */
export interface CallObserver {
  callStarted?(call: CallSummary, at: Date): void;
  callAnswered?(call: CallSummary, at: Date): void;
  callEnded?(call: CallSummary, code: EndCode, at: Date): void;
}

/** Why the devices rung by push stop ringing. */
export type PushRingEndReason = 'cancelled' | 'timeout' | 'answered_elsewhere' | 'declined';

/**
 * Web Push (issue 21): rings a callee's subscribed devices that have no open page, and ends those
 * rings (src/push/CallPushNotifier implements it; on Redis the scripts' push events reach it).
 * `devices` are pushDeviceKeys: exactly the subscriptions to ring, or to tell the ring is over.
 * Never waits.
 */
export interface RingByPush {
  ring(call: {
    callId: string;
    from: { username: string; displayName: string };
    to: string;
    expiresAt: number;
    devices: readonly string[];
  }): void;
  ringEnded(
    callId: string,
    reason: PushRingEndReason,
    ring?: { to: string; devices: readonly string[] },
  ): void;
}
