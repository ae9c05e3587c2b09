import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from './test-app.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** DATABASE_URL of the fresh, empty database. */
  url: string;
  drop(): Promise<void>;
}

/** Runs one statement on the server's maintenance database. */
async function onServer(serverUrl: string, statement: string): Promise<void> {
  const db = new DataSource({ type: 'postgres', url: serverUrl, connectTimeoutMS: 5000 });
  try {
    await db.initialize();
  } catch (error) {
    // Never skip: an integration run without its database is a failed run.
    throw new Error(
      `PostgreSQL is unreachable at ${serverUrl} (set TEST_DATABASE_URL): ${String(error)}`,
      { cause: error },
    );
  }
  try {
    await db.query(statement);
  } finally {
    await db.destroy();
  }
}

/**
 * Creates `dialtone_test_<random>` on the server named by TEST_DATABASE_URL, so each run starts
 * from an empty schema and the app's migrations run for real. Throws when the server is down.
 */
export async function createTestDatabase(
  serverUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL,
): Promise<TestDatabase> {
  const name = `dialtone_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name}`),
  };
}

/** The app on a fresh PostgreSQL database (its migrations run for real), dropped at close. */
export async function startAppOnPostgres(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  try {
    const app = await startTestApp({ ...env, DATABASE_URL: database.url });
    return {
      ...app,
      close: async () => {
        await app.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
