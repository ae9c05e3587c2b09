import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * Web Push (issue 21): the browsers each account asked to be rung on. They go with the account
 * (ON DELETE CASCADE); the endpoint is unique across accounts. Table API only, for SQLite and
 * PostgreSQL.
 */
export class PushSubscriptions1764100000000 implements MigrationInterface {
  name = 'PushSubscriptions1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'push_subscriptions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'endpoint', type: 'varchar', length: '1024', isUnique: true },
          { name: 'p256dh', type: 'varchar', length: '128' },
          { name: 'auth', type: 'varchar', length: '64' },
          { name: 'user_agent', type: 'varchar', length: '256' },
          { name: 'created_at', type: timestamp },
          { name: 'last_used_at', type: timestamp },
          { name: 'expires_at', type: timestamp, isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'push_subscriptions_user', columnNames: ['user_id', 'created_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('push_subscriptions');
  }
}
