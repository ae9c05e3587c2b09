import { Injectable, Logger } from '@nestjs/common';
import { Presence } from '../users/presence.js';
import { ContactEvents, contactEvent } from './contact-events.js';
import { Relationships } from './relationships.js';

/**
 * Tells a user's contacts, and only them, when the user comes online or goes offline. Each event
 * carries the presence as it is when the contacts have been looked up, not as it was when the
 * change began: of two look-ups racing after a quick offline-online, the last to finish is right.
 */
@Injectable()
export class ContactPresence {
  private readonly logger = new Logger('ContactPresence');

  constructor(
    private readonly presence: Presence,
    private readonly relationships: Relationships,
    private readonly events: ContactEvents,
  ) {
    presence.onChange((username) => void this.announce(username));
  }

  private async announce(username: string): Promise<void> {
    try {
      const contacts = await this.relationships.contactUsernamesOf(username);
      const online = this.presence.isOnline(username);
      for (const contact of contacts) {
        this.events.publish(contactEvent.presence(contact, username, online));
      }
    } catch (error) {
      this.logger.error(`presence of ${username} not announced: ${String(error)}`);
    }
  }
}
