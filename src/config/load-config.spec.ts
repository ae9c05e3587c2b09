import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

const SECRET = 'k'.repeat(32);

/** Asserts loading fails with a ConfigError that names `variable`. */
function assertRejects(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.variable === variable &&
      new RegExp(`\\b${variable}\\b`).test(error.message),
    `expected a ConfigError naming ${variable}`,
  );
}

describe('loadConfig', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dialtone-config-'));
  });
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has development defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    assert.equal(config.production, false);
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.dataDir, dataDir);
    assert.deepEqual(config.database, { type: 'sqlite', path: join(dataDir, 'dialtone.sqlite') });
    assert.equal(config.jwt.ttlSeconds, 86400);
    assert.equal(config.jwt.issuer, 'dialtone');
    assert.equal(config.jwt.audience, 'dialtone');
    assert.ok(config.jwt.secret.length >= 32);
    assert.equal(config.trustProxy, false);
    assert.equal(config.publicOrigin, undefined);
    assert.deepEqual(config.allowedOrigins, []);
    assert.deepEqual(config.ice.turnUrls, []);
    assert.equal(config.ice.turnSecret, undefined);
  });

  it('reads valid values', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'r4nd0m-'.repeat(6),
      PORT: '8080',
      JWT_TTL: '15m',
      DATABASE_URL: 'postgres://u:p@db:5432/dialtone',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      PUBLIC_URL: 'https://call.example.org/ignored/path',
      TURN_URLS: 'turn:turn.example.org:3478',
      TURN_SECRET: 't'.repeat(16),
    });
    assert.equal(config.production, true);
    assert.equal(config.port, 8080);
    assert.equal(config.jwt.ttlSeconds, 900);
    assert.equal(config.jwt.secret.toString(), 'r4nd0m-'.repeat(6));
    assert.deepEqual(config.database, { type: 'postgres', url: 'postgres://u:p@db:5432/dialtone' });
    assert.deepEqual(config.trustProxy, ['loopback', '10.0.0.0/8']);
    assert.equal(config.publicOrigin, 'https://call.example.org');
    assert.equal(config.jwt.issuer, 'https://call.example.org');
    assert.deepEqual(config.ice.turnUrls, ['turn:turn.example.org:3478']);
  });

  it('names PORT when it is not a port number', () => {
    for (const PORT of ['abc', '-1', '65536', '80.5', '3000abc']) {
      assertRejects({ PORT, JWT_SECRET: SECRET }, 'PORT');
    }
  });

  it('names JWT_SECRET when production has none, or it is short or a placeholder', () => {
    assertRejects({ NODE_ENV: 'production', DATA_DIR: dataDir }, 'JWT_SECRET');
    assertRejects({ JWT_SECRET: 'k'.repeat(31) }, 'JWT_SECRET');
    assertRejects(
      { NODE_ENV: 'production', JWT_SECRET: 'change-me-change-me-change-me-change-me' },
      'JWT_SECRET',
    );
  });

  it('generates the development secret once in DATA_DIR and reuses it', () => {
    const dir = join(dataDir, 'secret');
    const first = loadConfig({ DATA_DIR: dir }).jwt.secret;
    assert.ok(existsSync(join(dir, 'jwt-secret')));
    const stored = readFileSync(join(dir, 'jwt-secret'), 'utf8');
    const second = loadConfig({ DATA_DIR: dir }).jwt.secret;
    assert.ok(first.length >= 32);
    assert.deepEqual(second, first);
    assert.equal(readFileSync(join(dir, 'jwt-secret'), 'utf8'), stored);
    const elsewhere = loadConfig({ DATA_DIR: join(dataDir, 'other') }).jwt.secret;
    assert.notDeepEqual(elsewhere, first);
  });

  it('names DATABASE_URL when it is not PostgreSQL or SQLite', () => {
    assertRejects({ DATABASE_URL: 'mysql://x', JWT_SECRET: SECRET }, 'DATABASE_URL');
    const sqlite = loadConfig({ DATABASE_URL: 'sqlite:/tmp/d.sqlite', JWT_SECRET: SECRET });
    assert.deepEqual(sqlite.database, { type: 'sqlite', path: '/tmp/d.sqlite' });
  });

  it('names TURN_SECRET when TURN_URLS is set without it', () => {
    assertRejects({ TURN_URLS: 'turn:turn.example.org', JWT_SECRET: SECRET }, 'TURN_SECRET');
    assertRejects(
      { TURN_URLS: 'stun:wrong.example.org', TURN_SECRET: 't'.repeat(16), JWT_SECRET: SECRET },
      'TURN_URLS',
    );
  });

  it('names every other malformed variable', () => {
    const cases: Record<string, string> = {
      NODE_ENV: 'staging',
      JWT_TTL: '0',
      PUBLIC_URL: 'ftp://example.org',
      ALLOWED_ORIGINS: 'not a url',
      TRUST_PROXY: 'loopback;rm -rf',
    };
    for (const [variable, value] of Object.entries(cases)) {
      assertRejects({ [variable]: value, JWT_SECRET: SECRET }, variable);
    }
  });
});
