import { Inject, Injectable, Logger } from '@nestjs/common';
import { TokenRevocations, type RevokedAccount } from '../auth/token-revocations.js';
import { ContactEvents } from '../contacts/contact-events.js';
import { PresenceCounter } from '../users/presence.js';
import type { Outbox, SessionDirectory } from './call-machine.types.js';
import { CloseCode, type ServerMessage } from './protocol.js';
import type { SignalingSession } from './signaling-session.js';

/** Why a session whose token was revoked is closed (4001), on every engine. */
export const LOGGED_OUT_REASON = 'Logged out';

/**
 * Live sessions by id and by username (O(1) routing); keeps presence in step (memory), delivers contact
 * events to every session of their user, and closes the sessions whose token was revoked
 * (logout) with 4001, which sends their pages to the login.
 */
@Injectable()
export class SessionRegistry implements SessionDirectory, Outbox {
  private readonly byId = new Map<string, SignalingSession>();
  private readonly byUser = new Map<string, SignalingSession[]>();

  constructor(
    // undefined where the engine's session store counts presence itself (Redis).
    @Inject(PresenceCounter) private readonly presence: PresenceCounter | undefined,
    private readonly revocations: TokenRevocations,
    contactEvents: ContactEvents,
  ) {
    revocations.onRevoked((account) => {
      this.closeRevoked(account).catch((error: unknown) =>
        new Logger('Signaling').error({ msg: 'closing revoked sessions failed', err: error }),
      );
    });
    contactEvents.subscribe((message) => {
      for (const session of this.sessionsOf(message.toUser)) {
        session.send(message);
      }
    });
  }

  add(session: SignalingSession): void {
    this.byId.set(session.id, session);
    this.byUser.set(session.username, [...this.sessionsOf(session.username), session]);
    this.presence?.sessionOpened(session.username);
  }

  /** False when the session was already gone (removed once, however many ways it ends). */
  remove(session: SignalingSession): boolean {
    if (!this.byId.delete(session.id)) {
      return false;
    }
    const remaining = this.sessionsOf(session.username).filter((s) => s !== session);
    if (remaining.length > 0) {
      this.byUser.set(session.username, remaining);
    } else {
      this.byUser.delete(session.username);
    }
    this.presence?.sessionClosed(session.username);
    return true;
  }

  get(sessionId: string): SignalingSession | undefined {
    return this.byId.get(sessionId);
  }

  /** Oldest first. */
  sessionsOf(username: string): readonly SignalingSession[] {
    return this.byUser.get(username) ?? [];
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<SignalingSession> {
    return this.byId.values();
  }

  send(sessionId: string, message: ServerMessage): void {
    this.byId.get(sessionId)?.send(message);
  }

  /**
   * Closing ends a call the session is in as a drop. Without an account (the revocations were
   * re-read after some may have been missed), every session here is checked.
   */
  private async closeRevoked(account: RevokedAccount | undefined): Promise<void> {
    const sessions = account ? this.sessionsOf(account.username) : [...this.byId.values()];
    for (const session of sessions) {
      if (!session.closedByServer && (await this.revocations.isRevoked(session.user))) {
        session.close(CloseCode.TOKEN_EXPIRED, LOGGED_OUT_REASON);
      }
    }
  }
}
