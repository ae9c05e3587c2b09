import { randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { User } from '../users/user.entity.js';
import type { PushDeviceDto, PushSubscriptionDto } from './dto/push-subscription.dto.js';
import { endpointProblem } from './endpoint-allowlist.js';
import { PushSubscriptionRecord } from './push-subscription.entity.js';

const USER_AGENT_LENGTH = 256;

/** The browsers each account asked to be rung on, at most PUSH_MAX_SUBSCRIPTIONS per account. */
@Injectable()
export class PushSubscriptions {
  constructor(
    @InjectRepository(PushSubscriptionRecord)
    private readonly records: Repository<PushSubscriptionRecord>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly config: AppConfig,
  ) {}

  /**
   * Stores the subscription (`created: false` when the endpoint was known and is now refreshed,
   * possibly moving from another account). The oldest beyond the limit give way.
   */
  async subscribe(
    userId: string,
    dto: PushSubscriptionDto,
    userAgent: string,
  ): Promise<{ created: boolean }> {
    const problem = endpointProblem(dto.endpoint, this.config.push.allowedEndpoints);
    if (problem) {
      throw new BadRequestException(`This push service is not allowed: ${problem}`);
    }
    const now = new Date();
    const fields = {
      userId,
      p256dh: dto.keys.p256dh,
      auth: dto.keys.auth,
      userAgent: userAgent.slice(0, USER_AGENT_LENGTH),
      lastUsedAt: now,
      expiresAt: typeof dto.expirationTime === 'number' ? new Date(dto.expirationTime) : null,
    };
    const existing = await this.records.findOneBy({ endpoint: dto.endpoint });
    if (existing) {
      await this.records.update({ id: existing.id }, fields);
    } else {
      await this.records.insert({
        id: randomUUID(),
        endpoint: dto.endpoint,
        createdAt: now,
        ...fields,
      });
    }
    await this.prune(userId);
    return { created: !existing };
  }

  /** Idempotent: an endpoint this account does not have is already gone. */
  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    await this.records.delete({ userId, endpoint });
  }

  async removeDevice(userId: string, id: string): Promise<boolean> {
    return ((await this.records.delete({ userId, id })).affected ?? 0) > 0;
  }

  async devices(userId: string): Promise<PushDeviceDto[]> {
    const records = await this.records.find({ where: { userId }, order: { createdAt: 'DESC' } });
    return records.map(toDevice);
  }

  /** The subscriptions of the account `username` dials, to ring. */
  async ofUsername(username: string): Promise<PushSubscriptionRecord[]> {
    const user = await this.users.findOne({ where: { username }, select: { id: true } });
    return user
      ? this.records.find({ where: { userId: user.id }, order: { createdAt: 'ASC' } })
      : [];
  }

  /** The display name the notification shows; the username when the account is gone. */
  async displayNameOf(username: string): Promise<string> {
    const user = await this.users.findOne({ where: { username }, select: { displayName: true } });
    return user?.displayName ?? username;
  }

  /**
   * The endpoints of `username`'s subscriptions, in one query: asked on every call_start to an
   * existing account (refused or not), so it is as cheap and as uniform as `hasAny`.
   */
  async endpointsOf(username: string): Promise<string[]> {
    const rows = await this.records
      .createQueryBuilder('subscription')
      .innerJoin(User, 'user', 'user.id = subscription.user_id')
      .where('user.username = :username', { username })
      .select('subscription.endpoint', 'endpoint')
      .getRawMany<{ endpoint: string }>();
    return rows.map((row) => row.endpoint);
  }

  async hasAny(username: string): Promise<boolean> {
    return this.records
      .createQueryBuilder('subscription')
      .innerJoin(User, 'user', 'user.id = subscription.user_id')
      .where('user.username = :username', { username })
      .getExists();
  }

  /** The push service said the subscription is gone (404/410). */
  async removeExpired(id: string): Promise<void> {
    await this.records.delete({ id });
  }

  async touch(id: string): Promise<void> {
    await this.records.update({ id }, { lastUsedAt: new Date() });
  }

  private async prune(userId: string): Promise<void> {
    const records = await this.records.find({
      where: { userId },
      select: { id: true },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    const surplus = records.slice(this.config.push.maxSubscriptions).map((record) => record.id);
    if (surplus.length > 0) {
      await this.records.delete({ id: In(surplus) });
    }
  }
}

function toDevice(record: PushSubscriptionRecord): PushDeviceDto {
  return {
    id: record.id,
    userAgent: record.userAgent,
    pushService: new URL(record.endpoint).origin,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt.toISOString(),
  };
}
