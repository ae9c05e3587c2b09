import type { CallAccess } from '../signaling/call-machine.types.js';
import { doNotDisturbActive, type PrivacySettings } from './privacy-settings.js';

/** How the caller and the callee stand to each other. */
export interface Relationship {
  /** Accepted contacts of each other (both asked). */
  contacts: boolean;
  /** The callee blocked the caller. */
  blockedByCallee: boolean;
}

/**
 * What a call to an existing account does. A call the callee does not allow (a blocked caller, a
 * stranger while only contacts may ring) is `refused`, which the caller cannot tell from an
 * offline callee; an allowed call during do-not-disturb does not ring but is recorded as missed.
 * Refusal comes first, so a stranger never learns that do-not-disturb is on either.
 */
export function callAccess(
  callee: PrivacySettings,
  relationship: Relationship,
  now: Date,
): Exclude<CallAccess, 'unknown_user'> {
  if (
    relationship.blockedByCallee ||
    (callee.whoCanRing === 'contacts' && !relationship.contacts)
  ) {
    return 'refused';
  }
  return doNotDisturbActive(callee, now) ? 'do_not_disturb' : 'ring';
}
