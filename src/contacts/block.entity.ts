import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `blockerId` never hears from `blockedId`: no ring, no presence, no contact request. */
@Entity({ name: 'blocks' })
export class Block {
  @PrimaryColumn({ name: 'blocker_id', type: 'varchar', length: 36 })
  blockerId!: string;

  @PrimaryColumn({ name: 'blocked_id', type: 'varchar', length: 36 })
  blockedId!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
