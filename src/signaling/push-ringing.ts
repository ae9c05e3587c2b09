import type { EndCode, PushRingEndReason, SessionRef } from './call-machine.types.js';

/**
 * Web Push (issue 21), the rules both engines follow (CallMachine here; prelude.lua's
 * `devices_to_push` and `push_ring_ended` on Redis): which of the callee's subscribed devices a
 * call_start rings by push, and what a ring's end tells them.
 */

/**
 * The callee's subscribed devices (pushDeviceKeys) that have no open page: a device whose page is
 * open (its session named it with push_device) rings there, so it is not rung twice. `openPages`:
 * the callee's sessions with a socket (one away, waiting for a resume, does not count: that is
 * the phone whose browser dropped the page when it locked).
 */
export function devicesToPush(
  subscribed: readonly string[],
  openPages: readonly SessionRef[],
): string[] {
  const open = new Set(openPages.map((session) => session.pushDevice));
  return [...new Set(subscribed)].filter((device) => !open.has(device));
}

/** How a ringing call's end reads on the devices rung by push (`call_ended`'s reason). */
export function pushRingEndReason(code: EndCode): PushRingEndReason {
  switch (code) {
    case 'no_answer':
      return 'timeout';
    case 'rejected':
      return 'declined';
    default:
      return 'cancelled';
  }
}
