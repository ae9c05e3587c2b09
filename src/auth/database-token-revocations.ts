import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { UsersService } from '../users/users.service.js';
import { RevocationList, type RevocableToken } from './revocation-list.js';
import { RevokedToken } from './revoked-token.entity.js';
import {
  type RevocationListener,
  type RevokedAccount,
  TokenRevocations,
} from './token-revocations.js';

/** Expired entries are deleted at most this often, piggybacking on a logout. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Revocations in the database, mirrored in memory: a logout survives a restart (a token stolen
 * before the user logged out stays dead), and the per-request check costs no query. Loaded once at
 * start-up: the revoked tokens that have not expired yet (bounded by logins × JWT_TTL), the
 * accounts that logged out everywhere at least once, and the accounts deleted within JWT_TTL.
 */
@Injectable()
export class DatabaseTokenRevocations extends TokenRevocations implements OnModuleInit {
  private readonly list = new RevocationList();
  private readonly listeners: RevocationListener[] = [];
  private nextSweepAt = 0;

  constructor(
    @InjectRepository(RevokedToken) private readonly revoked: Repository<RevokedToken>,
    private readonly users: UsersService,
  ) {
    super();
  }

  onModuleInit(): Promise<void> {
    return this.load();
  }

  /** Reads every revocation that still matters from the database (at start, and to catch up). */
  async load(): Promise<void> {
    const now = Date.now();
    for (const row of await this.revoked.findBy({ expiresAt: MoreThan(new Date(now)) })) {
      this.list.revoke(row.tokenId, new Date(row.expiresAt).getTime());
    }
    for (const { id, tokenGeneration } of await this.users.revokedTokenGenerations()) {
      this.list.setGeneration(id, tokenGeneration);
    }
    for (const id of await this.users.deletedAccountIds()) {
      this.list.setGeneration(id, Number.POSITIVE_INFINITY);
    }
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
  }

  isRevoked(token: RevocableToken): boolean {
    return this.list.isRevoked(token);
  }

  async revoke(token: RevocableToken & RevokedAccount): Promise<void> {
    if (!this.list.revoke(token.tokenId, token.expiresAt)) {
      return;
    }
    this.notify(token);
    await this.revoked
      .createQueryBuilder()
      .insert()
      .values({ tokenId: token.tokenId, userId: token.id, expiresAt: new Date(token.expiresAt) })
      .orIgnore()
      .execute();
    await this.sweepWhenDue();
  }

  async revokeAll(account: RevokedAccount): Promise<void> {
    await this.raiseGeneration(account);
  }

  /** revokeAll, resolving to the account's new token generation (refused: every token below). */
  async raiseGeneration(account: RevokedAccount): Promise<number> {
    const generation = await this.users.nextTokenGeneration(account.id);
    this.list.setGeneration(account.id, generation);
    this.notify(account);
    return generation;
  }

  accountDeleted(account: RevokedAccount): Promise<void> {
    this.list.setGeneration(account.id, Number.POSITIVE_INFINITY);
    this.notify(account);
    return Promise.resolve();
  }

  onRevoked(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  private notify(account: RevokedAccount): void {
    for (const listener of this.listeners) {
      listener({ id: account.id, username: account.username });
    }
  }

  private async sweepWhenDue(): Promise<void> {
    const now = Date.now();
    if (now < this.nextSweepAt) {
      return;
    }
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    this.list.sweep(now);
    await this.revoked.delete({ expiresAt: LessThanOrEqual(new Date(now)) });
  }
}
