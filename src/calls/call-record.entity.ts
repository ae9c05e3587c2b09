import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One call, or a run of unanswered attempts; written at state changes, never per relayed message. */
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

  /**
   * Unanswered attempts this entry stands for: repeated ones from the same caller merge into the
   * entry before them (HISTORY_MERGE_WINDOW); the times and the end code are the latest attempt's.
   */
  @Column({ type: 'integer', default: 1 })
  attempts!: number;

  /**
   * An attempt the callee did not allow (a blocked caller, a stranger while only contacts may
   * ring): the caller's history shows it as offline, the callee's does not show it at all.
   */
  @Column({ name: 'hidden_from_callee', type: 'boolean', default: false })
  hiddenFromCallee!: boolean;
}
