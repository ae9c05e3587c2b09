import type { SignalingSession } from './signaling-session.js';

/** Close codes with which a client leaves on purpose: its v2 session ends at once, no window. */
export const DELIBERATE_CLOSES: readonly number[] = [1000, 1001];
/** Why a socket is refused or closed (1012) while its instance drains or is fenced. */
export const RESTART_REASON = 'Service restart; resume on another connection';
/** How long a shutdown waits for its sockets' close handshakes. */
const SHUTDOWN_GRACE_MS = 2000;

/** Closes every session's socket and waits until all have closed or the grace has passed. */
export async function closeWithinGrace(
  sessions: Iterable<SignalingSession>,
  close: (session: SignalingSession) => void,
): Promise<void> {
  const closed = [...sessions].map(
    (session) =>
      new Promise<void>((resolve) => {
        session.socket.once('close', () => resolve());
        close(session);
      }),
  );
  const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
  await Promise.race([Promise.all(closed), grace]);
}
