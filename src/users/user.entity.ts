import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WhoCanRing } from '../privacy/privacy-settings.js';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Lower-case; the account name others dial. */
  @Column({ type: 'varchar', length: 32, unique: true })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 64 })
  displayName!: string;

  /** Never selected unless a query asks for it by name (only password verification does). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  /**
   * Every access token carries the generation it was signed in (`gen`); "log out everywhere"
   * increments it, which revokes every token signed before (see TokenRevocations).
   */
  @Column({ name: 'token_generation', type: 'integer', default: 0 })
  tokenGeneration!: number;

  /** Who may ring this account (see src/privacy). */
  @Column({ name: 'ring_policy', type: 'varchar', length: 16, default: 'everyone' })
  whoCanRing!: WhoCanRing;

  @Column({ name: 'dnd_enabled', type: 'boolean', default: false })
  doNotDisturb!: boolean;

  /** When do-not-disturb ends by itself; null: when it is switched off. */
  @Column({ name: 'dnd_until', type: Date, nullable: true })
  doNotDisturbUntil!: Date | null;
}
