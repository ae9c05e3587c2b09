import { Injectable } from '@nestjs/common';

/**
 * Who is online right now: a count of live signaling sessions per username. The signaling
 * gateway keeps it current; the directory reads it. Kept apart from the socket registry so that a
 * shared (Redis) presence can replace it without touching either side.
 */
@Injectable()
export class PresenceService {
  private readonly sessions = new Map<string, number>();

  isOnline(username: string): boolean {
    return this.sessions.has(username);
  }

  /** Online usernames starting with `prefix`, at most `max` of them. */
  onlineUsernames(prefix: string, max: number): string[] {
    const found: string[] = [];
    for (const username of this.sessions.keys()) {
      if (found.length >= max) {
        break;
      }
      if (username.startsWith(prefix)) {
        found.push(username);
      }
    }
    return found;
  }

  sessionOpened(username: string): void {
    this.sessions.set(username, (this.sessions.get(username) ?? 0) + 1);
  }

  sessionClosed(username: string): void {
    const remaining = (this.sessions.get(username) ?? 1) - 1;
    if (remaining > 0) {
      this.sessions.set(username, remaining);
    } else {
      this.sessions.delete(username);
    }
  }
}
