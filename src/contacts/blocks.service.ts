import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import { ContactEvents, contactEvent } from './contact-events.js';
import { conflict } from './conflict.js';
import { type ListedAccountDto, toListedAccount } from './dto/contact.dto.js';
import { otherAccount } from './other-account.js';
import { type Person, Relationships } from './relationships.js';

/**
 * Blocking: a blocked account can never ring the blocker, see them online or reach them with a
 * contact request, and every answer it gets is one it would also get from an account that is
 * offline or has not answered (see CallPolicy and ContactsService). Blocking ends any contact or
 * request between the two, which the blocked account sees as it would see a removal.
 */
@Injectable()
export class BlocksService {
  constructor(
    private readonly relationships: Relationships,
    private readonly users: UsersService,
    private readonly events: ContactEvents,
    private readonly config: AppConfig,
  ) {}

  async list(me: Person): Promise<ListedAccountDto[]> {
    return (await this.relationships.blockedBy(me.id)).map(toListedAccount);
  }

  async block(me: Person, username: string): Promise<void> {
    const other = await this.other(me, username);
    if ((await this.relationships.between(me.id, other.id)).aBlockedB) {
      return;
    }
    if ((await this.relationships.countBlocksBy(me.id)) >= this.config.privacy.maxContacts) {
      throw conflict(
        'list_full',
        `You have blocked the most accounts allowed (${this.config.privacy.maxContacts})`,
      );
    }
    await this.relationships.block(me.id, other.id);
    const [mine, theirs] = await Promise.all([
      this.relationships.unlinkOne(me.id, other.id),
      this.relationships.unlinkOne(other.id, me.id),
    ]);
    if (mine || theirs) {
      this.events.publish(contactEvent.removed(me.username, other.username));
      this.events.publish(contactEvent.removed(other.username, me.username));
    }
  }

  /**
   * Requests the account sent while it was blocked never reached the blocker, and do not arrive
   * now either: they go, as if declined.
   */
  async unblock(me: Person, username: string): Promise<void> {
    const other = await this.other(me, username);
    if (!(await this.relationships.unblock(me.id, other.id))) {
      return;
    }
    if (await this.relationships.unlinkOne(other.id, me.id)) {
      this.events.publish(contactEvent.removed(other.username, me.username));
    }
  }

  private other(me: Person, username: string): Promise<Person> {
    return otherAccount(this.users, me, username, 'You cannot block yourself');
  }
}
