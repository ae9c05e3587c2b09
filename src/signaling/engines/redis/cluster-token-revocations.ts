import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { DatabaseTokenRevocations } from '../../../auth/database-token-revocations.js';
import type { RevocableToken } from '../../../auth/revocation-list.js';
import {
  type RevocationListener,
  type RevokedAccount,
  TokenRevocations,
} from '../../../auth/token-revocations.js';
import type { RedisSignaling } from './redis-signaling.js';

/** A revocation as Redis announces it (see RedisSessions.revoke). */
interface Announcement {
  account: RevokedAccount;
  scope: { tokenId?: string; lowestGeneration?: number };
}

/**
 * Revocations for several instances. Each is written to the database as on one instance (the
 * truth, which `local` mirrors in memory), then announced through Redis: numbered (a counter),
 * the account's sessions that run under a revoked token ended — away ones too — and published on
 * the bus.
 *
 * Pub/sub may lose an announcement (the subscriber reconnecting, or half-open), so the bus only
 * makes things fast; what makes them right is the number: every instance compares the count in
 * Redis with what it has applied every third of REVOCATION_MAX_STALE_MS, after its subscriber
 * reconnects and on every announcement, and re-reads the database when it is behind. A check
 * made when the copy was last confirmed longer than REVOCATION_MAX_STALE_MS ago (Redis away, say)
 * waits for that re-read — from the database if Redis does not answer — instead of trusting it.
 */
export class ClusterTokenRevocations
  extends TokenRevocations
  implements OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger('Revocations');
  private readonly listeners: RevocationListener[] = [];
  /** The number of the last revocation the copy is known to include. */
  private applied = 0;
  /** When the copy was last known to be complete (Date.now() at the start of that check). */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  /** Redis did not answer the last check: the next one that it answers re-reads regardless. */
  private unconfirmed = false;
  /** Announcements Redis did not take (it was away): sent again by the next check. */
  private pending: Announcement[] = [];
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private ticking: NodeJS.Timeout | undefined;

  constructor(
    private readonly local: DatabaseTokenRevocations,
    private readonly cluster: RedisSignaling,
    private readonly maxStaleMs: number,
  ) {
    super();
    local.onRevoked((account) => this.notify(account));
    cluster.bus.on('revoked', ({ origin, seq }) => {
      if (origin !== cluster.node && seq > this.applied) {
        void this.refresh();
      }
    });
    cluster.connection.onResubscribed(() => void this.refresh());
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    this.applied = await this.cluster.sessions.revocationCount();
    await this.local.load();
    this.confirmedAt = started;
    this.ticking = setInterval(() => void this.refresh(), Math.floor(this.maxStaleMs / 3));
    this.ticking.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.ticking);
  }

  isRevoked(token: RevocableToken): boolean | Promise<boolean> {
    if (Date.now() - this.confirmedAt <= this.maxStaleMs) {
      return this.local.isRevoked(token);
    }
    return this.refresh().then(() => this.local.isRevoked(token));
  }

  async revoke(token: RevocableToken & RevokedAccount): Promise<void> {
    await this.local.revoke(token);
    await this.announce({ account: token, scope: { tokenId: token.tokenId } });
  }

  async revokeAll(account: RevokedAccount): Promise<void> {
    const lowestGeneration = await this.local.raiseGeneration(account);
    await this.announce({ account, scope: { lowestGeneration } });
  }

  async accountDeleted(account: RevokedAccount): Promise<void> {
    await this.local.accountDeleted(account);
    await this.announce({ account, scope: { lowestGeneration: Number.MAX_SAFE_INTEGER } });
  }

  onRevoked(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  /**
   * Brings the copy up to date: one check at a time, and a request made while one runs is
   * answered by the next (which sees everything written before the request).
   */
  private refresh(): Promise<void> {
    if (this.queued === undefined) {
      const next = this.running.then(() => {
        this.queued = undefined;
        return this.check();
      });
      this.queued = next;
      this.running = next.catch((error: unknown) =>
        this.logger.warn(`revocations not re-read: ${String(error)}`),
      );
    }
    return this.queued;
  }

  private async check(): Promise<void> {
    const started = Date.now();
    await this.sendPending();
    let count: number | undefined;
    try {
      count = await this.cluster.sessions.revocationCount();
    } catch {
      count = undefined; // Redis away: the database alone can tell
    }
    if (count !== undefined && count <= this.applied && !this.unconfirmed) {
      this.confirmedAt = started;
      return;
    }
    await this.local.load();
    this.confirmedAt = started;
    this.unconfirmed = count === undefined;
    if (count !== undefined) {
      this.applied = Math.max(this.applied, count);
    }
    this.notify(undefined); // which accounts changed is not known: every session is checked
  }

  private async announce(announcement: Announcement): Promise<void> {
    try {
      await this.publish(announcement);
    } catch (error) {
      // The database has it (this instance and any re-read see it); Redis gets it later.
      this.logger.warn(`revocation not announced yet (Redis away?): ${String(error)}`);
      this.pending.push(announcement);
    }
  }

  private async sendPending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        await this.publish(this.pending[0]);
        this.pending.shift();
      }
    } catch {
      // Still away: kept for the next check.
    }
  }

  private async publish({ account, scope }: Announcement): Promise<void> {
    const seq = await this.cluster.sessions.revoke(account, scope);
    if (seq === this.applied + 1) {
      this.applied = seq; // its own: the copy has it already
    }
  }

  private notify(account: RevokedAccount | undefined): void {
    for (const listener of this.listeners) {
      listener(account);
    }
  }
}
