import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

describe('the embedded SQLite database', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('runs in write-ahead-log mode: a commit is one append, and the log sits beside the file', async () => {
    await createUser(app.baseUrl, 'wal');
    const [{ journal_mode }] = await app.app
      .get(DataSource)
      .query<{ journal_mode: string }[]>('PRAGMA journal_mode');
    expect(journal_mode).toBe('wal');
    const { database } = app.app.get(AppConfig);
    expect(database.type).toBe('sqlite');
    if (database.type === 'sqlite') {
      expect(existsSync(`${database.path}-wal`)).toBe(true);
      expect(database.path.endsWith(join('', 'dialtone.sqlite'))).toBe(true);
    }
  });
});
