import { Logger } from '@nestjs/common';
import type { ContactEvents } from '../../../contacts/contact-events.js';
import type { AccountEventMessage } from '../../protocol.js';
import type { RedisSignaling } from './redis-signaling.js';

/**
 * Contact events (and the other account events) across instances: published on the bus, and every instance (this one too)
 * hands them to its listener, which delivers to the sessions of `toUser` that it holds.
 */
export class ClusterContactEvents implements ContactEvents {
  private readonly logger = new Logger('ClusterContactEvents');
  private readonly listeners: ((message: AccountEventMessage) => void)[] = [];

  constructor(private readonly cluster: RedisSignaling) {
    cluster.bus.on('contact', ({ message }) => {
      this.listeners.forEach((listener) => listener(message as AccountEventMessage));
    });
  }

  publish(message: AccountEventMessage): void {
    this.cluster.bus.publish({ kind: 'contact', message }).catch((error: unknown) => {
      this.logger.warn(`a ${message.type} for ${message.toUser} was lost: ${String(error)}`);
    });
  }

  subscribe(listener: (message: AccountEventMessage) => void): void {
    this.listeners.push(listener);
  }
}
