import type { SessionRef } from './call-machine.types.js';

/**
 * MAX_SESSIONS_PER_USER, as the memory engine decides it (the Redis engine's open script, open.lua,
 * decides the same in one atomic step; test/session-directory.contract.e2e-spec.ts holds both to
 * it): once `newest` has joined `sessions` (the user's, oldest first), the oldest sessions not in
 * a call make room; when every other one is in a call, the newest itself does.
 */
export function sessionCapVictims<S extends SessionRef>(
  sessions: readonly S[],
  newest: S,
  max: number,
  inCall: (session: S) => boolean,
): S[] {
  const excess = sessions.length - max;
  if (excess <= 0) {
    return [];
  }
  const idle = sessions.filter((s) => s !== newest && !inCall(s)).slice(0, excess);
  return idle.length < excess ? [...idle, newest] : idle;
}

/** The close reason (4000) of a session the cap ends: the newest itself, or an older one. */
export function replacedReason(newest: boolean): string {
  return newest ? 'Too many sessions, all in calls' : 'Too many sessions: replaced by a newer one';
}
