import { Logger } from '@nestjs/common';
import type { RedisConnection } from './redis-connection.js';

/** What every instance hears on the bus. */
export type BusMessage =
  /** A user's first session opened, or last one ended (published by the scripts). */
  | { kind: 'presence'; user: string; online: boolean }
  /** An account's tokens were revoked (logout, log out everywhere, deletion): the seq'th. */
  | { kind: 'revoked'; id: string; username: string; origin: string; seq: number }
  /** A contact event for every session of `message.toUser`, wherever they are. */
  | { kind: 'contact'; message: unknown };

type Listener<K extends BusMessage['kind']> = (message: Extract<BusMessage, { kind: K }>) => void;

/**
 * One channel every instance subscribes to, for the rare events that concern everyone: presence
 * changes, revocations and contact events. Per-session traffic never goes here (it has a channel
 * per session). After a reconnect node-redis subscribes again; what was published meanwhile is
 * lost, so listeners that keep a copy re-read it on `onReconnect`.
 */
export class ClusterBus {
  private readonly logger = new Logger('ClusterBus');
  private readonly listeners = new Map<string, ((message: BusMessage) => void)[]>();

  constructor(
    private readonly connection: RedisConnection,
    readonly channel: string,
  ) {}

  start(): Promise<void> {
    return this.connection.subscribe(this.channel, (raw) => this.dispatch(raw));
  }

  on<K extends BusMessage['kind']>(kind: K, listener: Listener<K>): void {
    const listeners = this.listeners.get(kind) ?? [];
    listeners.push(listener as (message: BusMessage) => void);
    this.listeners.set(kind, listeners);
  }

  async publish(message: BusMessage): Promise<void> {
    await this.connection.command(['PUBLISH', this.channel, JSON.stringify(message)]);
  }

  private dispatch(raw: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(raw) as BusMessage;
    } catch {
      return this.logger.warn('an unreadable bus message was ignored');
    }
    for (const listener of this.listeners.get(message.kind) ?? []) {
      try {
        listener(message);
      } catch (error) {
        this.logger.error(`a ${message.kind} listener failed: ${String(error)}`);
      }
    }
  }
}
