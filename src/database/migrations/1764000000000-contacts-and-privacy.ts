import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
  type TableForeignKeyOptions,
  TableIndex,
} from 'typeorm';

/**
 * Contacts and privacy (issue 13): mutual contact links, blocks, who may ring an account and its
 * do-not-disturb, the tombstones of deleted accounts (their usernames stay reserved for a while and
 * their tokens refused), and call attempts a callee never sees. Table API only, for SQLite and
 * PostgreSQL; links and blocks go with their accounts (ON DELETE CASCADE).
 */
export class ContactsAndPrivacy1764000000000 implements MigrationInterface {
  name = 'ContactsAndPrivacy1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'contact_links',
        columns: [
          { name: 'from_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'to_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'created_at', type: timestamp },
        ],
        foreignKeys: [accountKey('from_id'), accountKey('to_id')],
        indices: [{ name: 'contact_links_to', columnNames: ['to_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'blocks',
        columns: [
          { name: 'blocker_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'blocked_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'created_at', type: timestamp },
        ],
        foreignKeys: [accountKey('blocker_id'), accountKey('blocked_id')],
        indices: [{ name: 'blocks_blocked', columnNames: ['blocked_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'deleted_accounts',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '32' },
          { name: 'deleted_at', type: timestamp },
          { name: 'username_free_at', type: timestamp },
        ],
      }),
    );
    await queryRunner.createIndex(
      'deleted_accounts',
      new TableIndex({ name: 'deleted_accounts_username', columnNames: ['username'] }),
    );
    await queryRunner.addColumns('users', [
      new TableColumn({
        name: 'ring_policy',
        type: 'varchar',
        length: '16',
        default: "'everyone'",
      }),
      new TableColumn({ name: 'dnd_enabled', type: 'boolean', default: false }),
      new TableColumn({ name: 'dnd_until', type: timestamp, isNullable: true }),
    ]);
    await queryRunner.addColumn(
      'calls',
      new TableColumn({ name: 'hidden_from_callee', type: 'boolean', default: false }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('contact_links');
    await queryRunner.dropTable('blocks');
    await queryRunner.dropTable('deleted_accounts');
    await queryRunner.dropColumns('users', ['dnd_until', 'dnd_enabled', 'ring_policy']);
    await queryRunner.dropColumn('calls', 'hidden_from_callee');
  }
}

/** The column names an account, and goes when the account does. */
function accountKey(column: string): TableForeignKeyOptions {
  return {
    columnNames: [column],
    referencedTableName: 'users',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  };
}
