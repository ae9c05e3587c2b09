import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { assertNothingLeaked, client } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface Health {
  status: string;
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string }>;
}

describe('GET /health', () => {
  let app: TestApp;
  const http = client(() => app.baseUrl);

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 200 with the database up, without logging in', async () => {
    const reply = await http.get('/health');
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json<Health>();
    expect(body.status).toBe('ok');
    expect(body.info?.database.status).toBe('up');
  });

  it('answers 503 with the database down once the database is gone', async () => {
    await app.app.get(DataSource).destroy();
    const reply = await http.get('/health');
    assert.equal(reply.status, 503, reply.text);
    const body = reply.json<Health>();
    expect(body.status).toBe('error');
    expect(body.error?.database.status).toBe('down');
    assertNothingLeaked(reply);
  });
});
