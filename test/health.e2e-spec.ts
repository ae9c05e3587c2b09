import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });

  it('answers 200 with the database up, without logging in', async () => {
    const reply = await http.get('/health');
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json<Health>();
    assert.equal(body.status, 'ok');
    assert.equal(body.info?.database.status, 'up');
  });

  it('answers 503 with the database down once the database is gone', async () => {
    await app.app.get(DataSource).destroy();
    const reply = await http.get('/health');
    assert.equal(reply.status, 503, reply.text);
    const body = reply.json<Health>();
    assert.equal(body.status, 'error');
    assert.equal(body.error?.database.status, 'down');
    assertNothingLeaked(reply);
  });
});
