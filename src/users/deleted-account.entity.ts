import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What is left of a deleted account: its username stays reserved until `usernameFreeAt`
 * (USERNAME_COOLING_OFF), so nobody can take it over at once and be mistaken for its owner, and
 * its id keeps every token it ever had refused, also across restarts. Swept once both have passed.
 */
@Entity({ name: 'deleted_accounts' })
export class DeletedAccount {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  username!: string;

  @Column({ name: 'deleted_at' })
  deletedAt!: Date;

  @Column({ name: 'username_free_at' })
  usernameFreeAt!: Date;
}
