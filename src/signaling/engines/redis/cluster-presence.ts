import { Logger } from '@nestjs/common';
import type { Presence } from '../../../users/presence.js';
import type { RedisSignaling } from './redis-signaling.js';

/**
 * Presence across instances, with synchronous reads: each instance keeps a copy
 * of the online set (loaded at start, re-loaded after every reconnect) that the bus keeps current
 * — the open and end scripts publish when a user's first session opens or last one ends, on
 * whichever instance. Listeners (contacts) hear a change once across instances: on the instance
 * whose script made it. Sessions are counted in Redis by those scripts, for every instance, so
 * this engine has no PresenceCounter.
 */
export class ClusterPresence implements Presence {
  private readonly logger = new Logger('ClusterPresence');
  private readonly online = new Set<string>();
  private readonly changeListeners: ((username: string) => void)[] = [];

  constructor(private readonly cluster: RedisSignaling) {
    cluster.bus.on('presence', ({ user, online }) => this.set(user, online));
    cluster.scripts.onPresence((user, online) => {
      this.set(user, online);
      this.changeListeners.forEach((listener) => listener(user));
    });
    cluster.connection.onReconnect(() => void this.load());
    // The bus alone may have been cut (the command connection never noticed): events were lost.
    cluster.connection.onResubscribed(() => void this.load());
  }

  /** Reads the whole online set (at start and after a reconnect, when events may have been lost). */
  async load(): Promise<void> {
    try {
      const key = this.cluster.scripts.keys.one.online;
      const users = await this.cluster.connection.command<string[]>(['ZRANGE', key, '0', '-1']);
      this.online.clear();
      users.forEach((user) => this.online.add(user));
    } catch (error) {
      this.logger.warn(`presence not re-read (Redis away?): ${String(error)}`);
    }
  }

  isOnline(username: string): boolean {
    return this.online.has(username);
  }

  onChange(listener: (username: string) => void): void {
    this.changeListeners.push(listener);
  }

  private set(user: string, online: boolean): void {
    if (online) {
      this.online.add(user);
    } else {
      this.online.delete(user);
    }
  }
}
