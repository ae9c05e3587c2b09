import { Injectable } from '@nestjs/common';

/**
 * Who is online right now, as users, contacts and the directory read it: a user is online while
 * any of their signaling sessions lives, on any instance. One implementation per engine
 * (SignalingEngine.presence); test/presence.contract.e2e-spec.ts holds them to the same
 * behaviour. Kept apart from the socket registry so that neither side knows how it is shared.
 */
export abstract class Presence {
  abstract isOnline(username: string): boolean;
  /**
   * Called with the username each time a user's first session opens or last one closes: once per
   * change across every instance, so that contacts are told once.
   */
  abstract onChange(listener: (username: string) => void): void;
}

/**
 * Where presence is counted from the sessions this process holds (memory): SessionRegistry tells
 * it each open and close. An engine whose session store counts sessions itself (Redis: the open
 * and end scripts) has none, rather than methods that do nothing.
 */
export abstract class PresenceCounter {
  abstract sessionOpened(username: string): void;
  abstract sessionClosed(username: string): void;
}

/** One process's presence: a count of live signaling sessions per username. */
@Injectable()
export class LocalPresence implements Presence, PresenceCounter {
  private readonly sessions = new Map<string, number>();
  private readonly listeners: ((username: string) => void)[] = [];

  isOnline(username: string): boolean {
    return this.sessions.has(username);
  }

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
