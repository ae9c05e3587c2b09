import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository, type SelectQueryBuilder } from 'typeorm';
import { likePrefix } from '../common/like-prefix.js';
import { PreparedQuery } from '../database/prepared-query.js';
import { User } from '../users/user.entity.js';
import { Block } from './block.entity.js';
import { ContactLink } from './contact-link.entity.js';

/** An account as others see it in a list. */
export interface Person {
  id: string;
  username: string;
  displayName: string;
}

/** Someone in one of an account's lists, and since when. */
export interface Listed extends Person {
  since: Date;
}

/** How two accounts stand to each other, seen from `a`. */
export interface Standing {
  /** `a` asked for `b` as a contact (a request, or half of being contacts). */
  aAsked: boolean;
  bAsked: boolean;
  aBlockedB: boolean;
  bBlockedA: boolean;
}

/**
 * The database side of contacts and blocks: links ("a wants b"; both ways = contacts) and blocks,
 * by account id. Everything here is a query; the rules (who may do what, who hears of it) are in
 * ContactsService and BlocksService.
 */
@Injectable()
export class Relationships {
  private readonly contactUsernames: PreparedQuery<'username', { username: string }>;

  constructor(
    @InjectRepository(ContactLink) private readonly links: Repository<ContactLink>,
    @InjectRepository(Block) private readonly blocks: Repository<Block>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {
    this.contactUsernames = new PreparedQuery(this.users, ['username'], ({ username }) =>
      this.users
        .createQueryBuilder('user')
        .select('user.username', 'username')
        .innerJoin(User, 'owner', 'owner.username = :username', { username })
        .innerJoin(ContactLink, 'mine', 'mine.fromId = owner.id AND mine.toId = user.id')
        .innerJoin(ContactLink, 'theirs', 'theirs.fromId = user.id AND theirs.toId = owner.id'),
    );
  }

  /** Always the same two queries, whatever the answer (callers' timing must not tell). */
  async between(a: string, b: string): Promise<Standing> {
    const [links, blocks] = await Promise.all([
      this.links.find({
        where: [
          { fromId: a, toId: b },
          { fromId: b, toId: a },
        ],
      }),
      this.blocks.find({
        where: [
          { blockerId: a, blockedId: b },
          { blockerId: b, blockedId: a },
        ],
      }),
    ]);
    return {
      aAsked: links.some((link) => link.fromId === a),
      bAsked: links.some((link) => link.fromId === b),
      aBlockedB: blocks.some((block) => block.blockerId === a),
      bBlockedA: blocks.some((block) => block.blockerId === b),
    };
  }

  /** Accepted contacts (links both ways), by username; only those starting with `prefix` if given. */
  contactsOf(userId: string, prefix?: string, limit?: number): Promise<Listed[]> {
    const query = this.people('mine', userId)
      .innerJoin(ContactLink, 'theirs', 'theirs.fromId = user.id AND theirs.toId = :userId')
      .addSelect(
        'CASE WHEN mine.createdAt > theirs.createdAt THEN mine.createdAt ELSE theirs.createdAt END',
        'since',
      );
    if (prefix !== undefined) {
      query.andWhere("user.username LIKE :pattern ESCAPE '\\'", { pattern: likePrefix(prefix) });
    }
    if (limit !== undefined) {
      query.limit(limit);
    }
    return listed(query);
  }

  /** Usernames of the accepted contacts of the account named `username` (on every presence change). */
  async contactUsernamesOf(username: string): Promise<string[]> {
    const rows = await this.contactUsernames.run({ username });
    return rows.map((row) => row.username);
  }

  /** Everyone `userId` has a link with, either way: contacts and requests. */
  async linkedUsernames(userId: string): Promise<string[]> {
    const rows = await this.users
      .createQueryBuilder('user')
      .select('user.username', 'username')
      .innerJoin(
        ContactLink,
        'link',
        '(link.fromId = :userId AND link.toId = user.id) OR (link.fromId = user.id AND link.toId = :userId)',
        { userId },
      )
      .distinct(true)
      .getRawMany<{ username: string }>();
    return rows.map((row) => row.username);
  }

  /** Who asked `userId` and has no answer yet; requests from accounts it blocked are left out. */
  incomingRequests(userId: string): Promise<Listed[]> {
    const query = this.users
      .createQueryBuilder('user')
      .innerJoin(ContactLink, 'asked', 'asked.fromId = user.id AND asked.toId = :userId', {
        userId,
      })
      .leftJoin(ContactLink, 'back', 'back.fromId = :userId AND back.toId = user.id')
      .leftJoin(Block, 'block', 'block.blockerId = :userId AND block.blockedId = user.id')
      .where('back.fromId IS NULL AND block.blockerId IS NULL');
    return listed(selectPeople(query).addSelect('asked.createdAt', 'since'));
  }

  /** Whom `userId` asked without an answer yet. */
  outgoingRequests(userId: string): Promise<Listed[]> {
    const query = this.people('mine', userId)
      .leftJoin(ContactLink, 'theirs', 'theirs.fromId = user.id AND theirs.toId = :userId')
      .andWhere('theirs.fromId IS NULL')
      .addSelect('mine.createdAt', 'since');
    return listed(query);
  }

  blockedBy(userId: string): Promise<Listed[]> {
    const query = this.users
      .createQueryBuilder('user')
      .innerJoin(Block, 'block', 'block.blockerId = :userId AND block.blockedId = user.id', {
        userId,
      });
    return listed(selectPeople(query).addSelect('block.createdAt', 'since'));
  }

  /** Links `userId` made: its contacts and its outgoing requests together. */
  countLinksFrom(userId: string): Promise<number> {
    return this.links.countBy({ fromId: userId });
  }

  countBlocksBy(userId: string): Promise<number> {
    return this.blocks.countBy({ blockerId: userId });
  }

  async link(fromId: string, toId: string): Promise<void> {
    await this.links
      .createQueryBuilder()
      .insert()
      .values({ fromId, toId, createdAt: new Date() })
      .orIgnore()
      .execute();
  }

  /** Removes a one-way link; whether there was one. */
  async unlinkOne(fromId: string, toId: string): Promise<boolean> {
    return ((await this.links.delete({ fromId, toId })).affected ?? 0) > 0;
  }

  async block(blockerId: string, blockedId: string): Promise<void> {
    await this.blocks
      .createQueryBuilder()
      .insert()
      .values({ blockerId, blockedId, createdAt: new Date() })
      .orIgnore()
      .execute();
  }

  /** Whether there was a block. */
  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    return ((await this.blocks.delete({ blockerId, blockedId })).affected ?? 0) > 0;
  }

  /** The accounts `userId` links to, with the link: contacts and outgoing requests. */
  private people(alias: string, userId: string): SelectQueryBuilder<User> {
    const query = this.users
      .createQueryBuilder('user')
      .innerJoin(ContactLink, alias, `${alias}.fromId = :userId AND ${alias}.toId = user.id`, {
        userId,
      });
    return selectPeople(query);
  }
}

function selectPeople(query: SelectQueryBuilder<User>): SelectQueryBuilder<User> {
  return query
    .select('user.id', 'id')
    .addSelect('user.username', 'username')
    .addSelect('user.displayName', 'displayName')
    .orderBy('user.username');
}

/** Raw rows to Listed; SQLite returns dates as text, PostgreSQL as Date. */
async function listed(query: SelectQueryBuilder<User>): Promise<Listed[]> {
  const rows = await query.getRawMany<Person & { since: Date | string }>();
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    since: parseDate(row.since),
  }));
}

function parseDate(value: Date | string): Date {
  if (value instanceof Date) {
    return value;
  }
  // SQLite keeps "YYYY-MM-DD HH:MM:SS.SSS" in UTC, without a zone.
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}
