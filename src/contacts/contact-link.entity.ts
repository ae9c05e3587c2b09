import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * "`fromId` wants `toId` as a contact." One link is a request; links both ways make two accounts
 * contacts (mutual consent). Rows go with either account (ON DELETE CASCADE).
 */
@Entity({ name: 'contact_links' })
export class ContactLink {
  @PrimaryColumn({ name: 'from_id', type: 'varchar', length: 36 })
  fromId!: string;

  @PrimaryColumn({ name: 'to_id', type: 'varchar', length: 36 })
  toId!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
