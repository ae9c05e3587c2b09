import { Injectable, NotFoundException } from '@nestjs/common';
import { RateBuckets } from '../auth/rate-buckets.js';
import { RequestBudget } from '../auth/request-budget.js';
import { AppConfig } from '../config/app-config.js';
import { Presence } from '../users/presence.js';
import { UsersService } from '../users/users.service.js';
import { ContactEvents, contactEvent } from './contact-events.js';
import { conflict } from './conflict.js';
import {
  type ContactDto,
  type ContactListDto,
  type ContactRequestResultDto,
  toListedAccount,
} from './dto/contact.dto.js';
import { byPresenceThenName } from './contact-order.js';
import { otherAccount } from './other-account.js';
import { type Person, Relationships } from './relationships.js';

/**
 * Contacts by mutual consent: a request is one link, accepting it adds the link back, and only
 * then does each see the other's presence. A blocked account's requests are stored for it alone
 * and never reach the blocker: it gets the same answers as with anyone who has not answered yet.
 */
@Injectable()
export class ContactsService {
  private readonly requests: RequestBudget;

  constructor(
    private readonly relationships: Relationships,
    private readonly users: UsersService,
    private readonly presence: Presence,
    private readonly events: ContactEvents,
    private readonly config: AppConfig,
    buckets: RateBuckets,
  ) {
    this.requests = new RequestBudget(
      buckets,
      config.privacy.contactRequestsPerMinute,
      'contact requests',
    );
  }

  async list(me: Person): Promise<ContactListDto> {
    const [contacts, incoming, outgoing] = await Promise.all([
      this.relationships.contactsOf(me.id),
      this.relationships.incomingRequests(me.id),
      this.relationships.outgoingRequests(me.id),
    ]);
    return {
      contacts: contacts.map((contact) => this.contact(contact)).sort(byPresenceThenName),
      incoming: incoming.map(toListedAccount),
      outgoing: outgoing.map(toListedAccount),
    };
  }

  /**
   * Asks `username` to become a contact, or accepts when they already asked. Asking again is
   * harmless (the answer says where things stand).
   */
  async request(me: Person, username: string): Promise<ContactRequestResultDto> {
    await this.requests.spend(me.id);
    // Whatever happens next, the same queries run: a blocked requester's answers take as long.
    const [self, other] = await Promise.all([this.fresh(me), this.other(me, username)]);
    const standing = await this.relationships.between(me.id, other.id);
    if (standing.aBlockedB) {
      throw conflict('you_blocked_them', `You blocked ${other.username}; unblock them first`);
    }
    if (!standing.aAsked) {
      if ((await this.relationships.countLinksFrom(me.id)) >= this.config.privacy.maxContacts) {
        throw conflict(
          'list_full',
          `Your contact list is full (${this.config.privacy.maxContacts} contacts and requests)`,
        );
      }
      await this.relationships.link(me.id, other.id);
      if (standing.bAsked) {
        this.announceAccepted(self, other);
      } else if (!standing.bBlockedA) {
        this.events.publish(contactEvent.request(other.username, self));
      }
    }
    return standing.bAsked
      ? { status: 'contact', contact: this.contact(other) }
      : {
          status: 'requested',
          contact: { username: other.username, displayName: other.displayName },
        };
  }

  /** Accepts `username`'s pending request; 404 when there is none (or it came from someone blocked). */
  async accept(me: Person, username: string): Promise<ContactDto> {
    const [self, other] = await Promise.all([this.fresh(me), this.other(me, username)]);
    const standing = await this.relationships.between(me.id, other.id);
    if (!standing.bAsked || standing.aBlockedB) {
      throw new NotFoundException(`There is no contact request from ${other.username}`);
    }
    if (!standing.aAsked) {
      await this.relationships.link(me.id, other.id);
      this.announceAccepted(self, other);
    }
    return this.contact(other);
  }

  /** Removes a contact, withdraws a request or declines one: every link between the two goes. */
  async remove(me: Person, username: string): Promise<void> {
    const other = await this.other(me, username);
    const standing = await this.relationships.between(me.id, other.id);
    const [mine, theirs] = await Promise.all([
      this.relationships.unlinkOne(me.id, other.id),
      this.relationships.unlinkOne(other.id, me.id),
    ]);
    if (!mine && !theirs) {
      return;
    }
    this.events.publish(contactEvent.removed(me.username, other.username));
    // A blocker never saw this account's request, so it has nothing to forget.
    if (!standing.bBlockedA) {
      this.events.publish(contactEvent.removed(other.username, me.username));
    }
  }

  private announceAccepted(me: Person, other: Person): void {
    this.events.publish(
      contactEvent.accepted(me.username, other, this.presence.isOnline(other.username)),
    );
    this.events.publish(
      contactEvent.accepted(other.username, me, this.presence.isOnline(me.username)),
    );
  }

  private other(me: Person, username: string): Promise<Person> {
    return otherAccount(this.users, me, username, 'You cannot add yourself as a contact');
  }

  /** The display name as stored now (the token's may be older). */
  private async fresh(me: Person): Promise<Person> {
    return (await this.users.findById(me.id)) ?? me;
  }

  private contact(person: Pick<Person, 'username' | 'displayName'>): ContactDto {
    return {
      username: person.username,
      displayName: person.displayName,
      online: this.presence.isOnline(person.username),
    };
  }
}
