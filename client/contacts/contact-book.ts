import { byPresenceThenName } from '../../src/contacts/contact-order.js';
import type {
  ContactDto,
  ContactListDto,
  ListedAccountDto,
} from '../../src/contacts/dto/contact.dto.js';
import type { ContactMessage } from '../../src/signaling/protocol.js';

/**
 * The page's copy of `GET /contacts`, kept current by the contact events of the signaling socket.
 * Events say how things are (not what changed), so applying one twice, or after a fresher list,
 * does no harm. DOM-free.
 */
export class ContactBook {
  private list: ContactListDto = { contacts: [], incoming: [], outgoing: [] };

  /** Online first, then by name. */
  get contacts(): readonly ContactDto[] {
    return this.list.contacts;
  }

  get incoming(): readonly ListedAccountDto[] {
    return this.list.incoming;
  }

  get outgoing(): readonly ListedAccountDto[] {
    return this.list.outgoing;
  }

  replace(list: ContactListDto): void {
    this.list = {
      contacts: [...list.contacts].sort(byPresenceThenName),
      incoming: [...list.incoming],
      outgoing: [...list.outgoing],
    };
  }

  /** A contact or a request, by username. */
  find(username: string): { username: string; displayName: string } | undefined {
    const { contacts, incoming, outgoing } = this.list;
    return [...contacts, ...incoming, ...outgoing].find((entry) => entry.username === username);
  }

  apply(message: ContactMessage): void {
    const { username } = message.contact;
    switch (message.type) {
      case 'contact_request':
        this.forget(username);
        this.list.incoming.push({ ...message.contact, since: new Date().toISOString() });
        break;
      case 'contact_accepted':
        this.forget(username);
        this.list.contacts.push({ ...message.contact });
        break;
      case 'contact_removed':
        this.forget(username);
        break;
      case 'contact_online':
      case 'contact_offline':
        for (const contact of this.list.contacts) {
          if (contact.username === username) {
            contact.online = message.type === 'contact_online';
          }
        }
        break;
      case 'contact_renamed':
        for (const entry of [...this.list.contacts, ...this.list.incoming, ...this.list.outgoing]) {
          if (entry.username === username) {
            entry.displayName = message.contact.displayName;
          }
        }
        break;
    }
    this.list.contacts.sort(byPresenceThenName);
  }

  /** A request the user just sent (the server said so), until the answer's event. */
  requested(contact: { username: string; displayName: string }): void {
    this.forget(contact.username);
    this.list.outgoing.push({ ...contact, since: new Date().toISOString() });
  }

  /** Contacts whose username or display name starts with `typed` (any case), online first. */
  matching(typed: string): ContactDto[] {
    const prefix = typed.trim().toLowerCase();
    if (prefix === '') {
      return [];
    }
    return this.list.contacts.filter(
      (contact) =>
        contact.username.startsWith(prefix) || contact.displayName.toLowerCase().startsWith(prefix),
    );
  }

  private forget(username: string): void {
    const others = <T extends { username: string }>(entries: T[]) =>
      entries.filter((entry) => entry.username !== username);
    this.list = {
      contacts: others(this.list.contacts),
      incoming: others(this.list.incoming),
      outgoing: others(this.list.outgoing),
    };
  }
}
