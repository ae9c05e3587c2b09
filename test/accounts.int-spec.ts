import { describeAccountFlow } from './support/account-flow.js';
import { createTestDatabase } from './support/postgres.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The app on a fresh PostgreSQL database, which is dropped again when the app closes. */
async function startOnPostgres(): Promise<TestApp> {
  const database = await createTestDatabase();
  try {
    const app = await startTestApp({ DATABASE_URL: database.url });
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

describeAccountFlow('core account flow on PostgreSQL', startOnPostgres);
