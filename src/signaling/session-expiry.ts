import type { CallObserver, CallSummary } from './call-machine.types.js';
import { CloseCode } from './protocol.js';
import type { SignalingSession } from './signaling-session.js';

/** setTimeout's ceiling (~24.8 days); longer token lifetimes are re-checked when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * A session whose token expired in a call asks again this often whether the call is over. The
 * call's end closes it at once on the instance that hears of it (callEnded); with REDIS_URL the
 * end may be reported to another instance, and this re-check is what closes it there.
 */
const IN_CALL_RECHECK_MS = 2000;
const EXPIRED_REASON = 'Access token expired; log in again';

/** Whether a session is in a call (in memory, or a question to Redis). */
export type InCallProbe = (sessionId: string) => boolean | Promise<boolean>;

/**
 * Closes a session with 4001 when its access token expires — or, when it is in a call then, as
 * soon as that call has ended, so that a token's expiry never cuts a call.
 */
export class SessionExpiry implements CallObserver {
  /** Each session's pending expiry (or re-check); kept here, the one place that arms them. */
  private readonly timers = new WeakMap<SignalingSession, NodeJS.Timeout>();
  /** Sessions whose token expired during a call: closed (4001) when the call ends. */
  private readonly closeAfterCall = new WeakSet<SignalingSession>();

  constructor(
    private readonly isInCall: InCallProbe,
    /** This instance's session of that id, if it holds it. */
    private readonly localSession: (id: string) => SignalingSession | undefined,
  ) {}

  /** Arms (or re-arms, after a resume brought a new token) the session's expiry. */
  schedule(session: SignalingSession): void {
    this.cancel(session);
    const remaining = session.user.expiresAt - Date.now();
    this.arm(
      session,
      remaining > MAX_TIMER_MS ? () => this.schedule(session) : () => this.expire(session),
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
  }

  cancel(session: SignalingSession): void {
    clearTimeout(this.timers.get(session));
  }

  callEnded(call: CallSummary): void {
    for (const id of [call.callerSession, call.calleeSession]) {
      const session = id === undefined ? undefined : this.localSession(id);
      if (session && this.closeAfterCall.has(session)) {
        session.close(CloseCode.TOKEN_EXPIRED, EXPIRED_REASON);
      }
    }
  }

  private async expire(session: SignalingSession): Promise<void> {
    // Not knowing (Redis away) counts as in a call: a store's hiccup must not cut a call.
    const inCall = await Promise.resolve()
      .then(() => this.isInCall(session.id))
      .catch(() => true);
    if (inCall) {
      this.closeAfterCall.add(session);
      this.arm(session, () => this.expire(session), IN_CALL_RECHECK_MS);
    } else {
      session.close(CloseCode.TOKEN_EXPIRED, EXPIRED_REASON);
    }
  }

  private arm(session: SignalingSession, fire: () => void | Promise<void>, ms: number): void {
    const timer = setTimeout(() => void fire(), ms);
    timer.unref();
    this.timers.set(session, timer);
  }
}
