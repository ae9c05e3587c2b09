import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Logout that holds (issue 8): the logged-out tokens, kept until they expire, and a per-account
 * token generation that "log out everywhere" increments. Table API only, for SQLite and PostgreSQL.
 */
export class TokenRevocations1763800000000 implements MigrationInterface {
  name = 'TokenRevocations1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'revoked_tokens',
        columns: [
          { name: 'token_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'expires_at', type: timestamp },
        ],
      }),
    );
    await queryRunner.createIndex(
      'revoked_tokens',
      new TableIndex({ name: 'revoked_tokens_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.addColumn(
      'users',
      new TableColumn({ name: 'token_generation', type: 'integer', default: 0 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'token_generation');
    await queryRunner.dropTable('revoked_tokens');
  }
}
