import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Repeated unanswered attempts share one history entry: how many it stands for. */
export class CallAttempts1763900000000 implements MigrationInterface {
  name = 'CallAttempts1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'attempts', type: 'integer', default: 1, isNullable: false }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('calls', 'attempts');
  }
}
