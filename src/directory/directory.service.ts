import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RateBuckets } from '../auth/rate-buckets.js';
import { RequestBudget } from '../auth/request-budget.js';
import { likePrefix } from '../common/like-prefix.js';
import { AppConfig } from '../config/app-config.js';
import { byPresenceThenName } from '../contacts/contact-order.js';
import { type Person, Relationships } from '../contacts/relationships.js';
import { Presence } from '../users/presence.js';
import { User } from '../users/user.entity.js';
import type { DirectoryEntryDto } from './dto/directory-entry.dto.js';

/**
 * Finding someone by the start of their username, without enumerating: a search needs 3 characters
 * (SearchUsersQuery), answers at most 20, and each account may search DIRECTORY_SEARCH_RATE times a
 * minute. Your contacts come first, with their presence; nobody else's presence is shown.
 */
@Injectable()
export class DirectoryService {
  private readonly searches: RequestBudget;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly relationships: Relationships,
    private readonly presence: Presence,
    config: AppConfig,
    buckets: RateBuckets,
  ) {
    this.searches = new RequestBudget(
      buckets,
      config.privacy.searchesPerMinute,
      'directory searches',
    );
  }

  async search(me: Person, prefix: string, limit: number): Promise<DirectoryEntryDto[]> {
    await this.searches.spend(me.id);
    const contacts = (await this.relationships.contactsOf(me.id, prefix, limit))
      .map(({ username, displayName }) => ({
        username,
        displayName,
        contact: true,
        online: this.presence.isOnline(username),
      }))
      .sort(byPresenceThenName);
    const others = contacts.length < limit ? await this.others(prefix, contacts, limit) : [];
    return [
      ...contacts,
      ...others.map(({ username, displayName }) => ({ username, displayName, contact: false })),
    ];
  }

  /** Accounts matching `prefix` that are not among `contacts` (which holds every matching one). */
  private others(prefix: string, contacts: { username: string }[], limit: number): Promise<User[]> {
    const query = this.users
      .createQueryBuilder('user')
      .where("user.username LIKE :pattern ESCAPE '\\'", { pattern: likePrefix(prefix) })
      .orderBy('user.username')
      .take(limit - contacts.length);
    if (contacts.length > 0) {
      query.andWhere('user.username NOT IN (:...contacts)', {
        contacts: contacts.map((contact) => contact.username),
      });
    }
    return query.getMany();
  }
}
