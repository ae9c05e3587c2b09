import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One call attempt, written at its state changes (rang, answered, ended), never per relayed message. */
@Entity({ name: 'calls' })
export class CallRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  caller!: string;

  @Column({ type: 'varchar', length: 32 })
  callee!: string;

  @Column({ name: 'started_at' })
  startedAt!: Date;

  @Column({ name: 'answered_at', nullable: true, type: Date })
  answeredAt!: Date | null;

  @Column({ name: 'ended_at', nullable: true, type: Date })
  endedAt!: Date | null;

  @Column({ name: 'end_code', type: 'varchar', length: 32, nullable: true })
  endCode!: string | null;
}
