import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One browser that asked to be rung by push (`PushSubscription.toJSON()` of its service worker).
 * The endpoint is unique: a browser shared by two accounts rings the one that subscribed last.
 */
@Entity({ name: 'push_subscriptions' })
export class PushSubscriptionRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 1024, unique: true })
  endpoint!: string;

  /** The browser's P-256 key (base64url) the message is encrypted to (RFC 8291). */
  @Column({ type: 'varchar', length: 128 })
  p256dh!: string;

  /** The browser's authentication secret (base64url, 16 bytes). */
  @Column({ type: 'varchar', length: 64 })
  auth!: string;

  /** The User-Agent that subscribed: what the account page calls the device. */
  @Column({ name: 'user_agent', type: 'varchar', length: 256 })
  userAgent!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  /** When the browser last (re)subscribed or a push to it was accepted. */
  @Column({ name: 'last_used_at' })
  lastUsedAt!: Date;

  /** The push service's own expiry, when it gave one. */
  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;
}
