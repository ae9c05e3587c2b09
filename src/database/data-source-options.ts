import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/database-config.js';
import { CallRecord } from '../calls/call-record.entity.js';
import { User } from '../users/user.entity.js';
import { sqliteDriver } from './sqlite-driver.js';
import { RevokedToken } from '../auth/revoked-token.entity.js';
import { Block } from '../contacts/block.entity.js';
import { ContactLink } from '../contacts/contact-link.entity.js';
import { DeletedAccount } from '../users/deleted-account.entity.js';
import { CreateUsersAndCalls1763700000000 } from './migrations/1763700000000-create-users-and-calls.js';
import { TokenRevocations1763800000000 } from './migrations/1763800000000-token-revocations.js';
import { CallAttempts1763900000000 } from './migrations/1763900000000-call-attempts.js';
import { ContactsAndPrivacy1764000000000 } from './migrations/1764000000000-contacts-and-privacy.js';
import { PushSubscriptions1764100000000 } from './migrations/1764100000000-push-subscriptions.js';
import { PushSubscriptionRecord } from '../push/push-subscription.entity.js';

export const ENTITIES = [
  User,
  CallRecord,
  RevokedToken,
  ContactLink,
  Block,
  DeletedAccount,
  PushSubscriptionRecord,
];
export const MIGRATIONS = [
  CreateUsersAndCalls1763700000000,
  TokenRevocations1763800000000,
  CallAttempts1763900000000,
  ContactsAndPrivacy1764000000000,
  PushSubscriptions1764100000000,
];

/** One definition serves SQLite (the embedded default) and PostgreSQL; the schema comes only from migrations. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
  } as const;
  if (database.type === 'postgres') {
    return { ...common, type: 'postgres', url: database.url };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    driver: sqliteDriver(),
    // Write-ahead log: a commit is one append and one fsync instead of a rollback journal's
    // several, and reads do not wait for a write (a login while call history is written). The
    // data folder then holds dialtone.sqlite-wal and -shm beside the file (docs/deploy.md).
    enableWAL: true,
  };
}
