import { Injectable } from '@nestjs/common';

/**
 * Who is online right now: a count of live signaling sessions per username. The signaling
 * gateway keeps it current; contacts read it, and hear when a user comes online or goes offline.
 * Kept apart from the socket registry so that a shared (Redis) presence can replace it without
 * touching either side.
 */
@Injectable()
export class PresenceService {
  private readonly sessions = new Map<string, number>();
  private readonly listeners: ((username: string) => void)[] = [];

  isOnline(username: string): boolean {
    return this.sessions.has(username);
  }

  /** Called with the username each time a user's first session opens or last one closes. */
  onChange(listener: (username: string) => void): void {
    this.listeners.push(listener);
  }

  sessionOpened(username: string): void {
    const count = (this.sessions.get(username) ?? 0) + 1;
    this.sessions.set(username, count);
    if (count === 1) {
      this.changed(username);
    }
  }

  sessionClosed(username: string): void {
    const remaining = (this.sessions.get(username) ?? 1) - 1;
    if (remaining > 0) {
      this.sessions.set(username, remaining);
    } else if (this.sessions.delete(username)) {
      this.changed(username);
    }
  }

  private changed(username: string): void {
    for (const listener of this.listeners) {
      listener(username);
    }
  }
}
