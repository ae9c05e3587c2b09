import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { CallRecord } from '../calls/call-record.entity.js';
import { User } from '../users/user.entity.js';
import { CreateUsersAndCalls1763700000000 } from './migrations/1763700000000-create-users-and-calls.js';

export const ENTITIES = [User, CallRecord];
export const MIGRATIONS = [CreateUsersAndCalls1763700000000];

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
  return { ...common, type: 'better-sqlite3', database: database.path };
}
