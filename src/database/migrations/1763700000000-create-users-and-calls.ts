import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Accounts and call history. Written with TypeORM's Table API so it runs on SQLite and PostgreSQL alike. */
export class CreateUsersAndCalls1763700000000 implements MigrationInterface {
  name = 'CreateUsersAndCalls1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '32', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '64' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'created_at', type: timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'calls',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'caller', type: 'varchar', length: '32' },
          { name: 'callee', type: 'varchar', length: '32' },
          { name: 'started_at', type: timestamp },
          { name: 'answered_at', type: timestamp, isNullable: true },
          { name: 'ended_at', type: timestamp, isNullable: true },
          { name: 'end_code', type: 'varchar', length: '32', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'calls_caller_started', columnNames: ['caller', 'started_at'] }),
    );
    await queryRunner.createIndex(
      'calls',
      new TableIndex({ name: 'calls_callee_started', columnNames: ['callee', 'started_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('calls');
    await queryRunner.dropTable('users');
  }
}
