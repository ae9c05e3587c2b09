import { Injectable } from '@nestjs/common';
import { PresenceService } from '../users/presence.service.js';
import type { Outbox, SessionDirectory } from './call-machine.types.js';
import type { ServerMessage } from './protocol.js';
import type { SignalingSession } from './signaling-session.js';

/** Live sessions by id and by username (O(1) routing); keeps presence in step. */
@Injectable()
export class SessionRegistry implements SessionDirectory, Outbox {
  private readonly byId = new Map<string, SignalingSession>();
  private readonly byUser = new Map<string, SignalingSession[]>();

  constructor(private readonly presence: PresenceService) {}

  add(session: SignalingSession): void {
    this.byId.set(session.id, session);
    this.byUser.set(session.username, [...this.sessionsOf(session.username), session]);
    this.presence.sessionOpened(session.username);
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
    this.presence.sessionClosed(session.username);
    return true;
  }

  get(sessionId: string): SignalingSession | undefined {
    return this.byId.get(sessionId);
  }

  /** Oldest first. */
  sessionsOf(username: string): readonly SignalingSession[] {
    return this.byUser.get(username) ?? [];
  }

  all(): IterableIterator<SignalingSession> {
    return this.byId.values();
  }

  send(sessionId: string, message: ServerMessage): void {
    this.byId.get(sessionId)?.send(message);
  }
}
