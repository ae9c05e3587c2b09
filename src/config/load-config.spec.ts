import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from './config-error.js';
import { openFileLimit } from './file-limit.js';
import { loadConfig } from './load-config.js';
import { generateVapidKeys, vapidKeysOf } from './vapid-keys.js';

const SECRET = 'k'.repeat(32);
/** A valid VAPID identity, which production requires. */
const VAPID = vapidPair();

function vapidPair(): Record<string, string> {
  const { publicKey, privateKey } = generateVapidKeys();
  return {
    VAPID_PUBLIC_KEY: publicKey,
    VAPID_PRIVATE_KEY: privateKey,
    VAPID_SUBJECT: 'mailto:ops@example.org',
  };
}

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
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dialtone-config-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has development defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.production).toBe(false);
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe(dataDir);
    expect(config.database).toStrictEqual({
      type: 'sqlite',
      path: join(dataDir, 'dialtone.sqlite'),
    });
    expect(config.jwt.ttlSeconds).toBe(86400);
    expect(config.jwt.issuer).toBe('dialtone');
    expect(config.jwt.audience).toBe('dialtone');
    assert.ok(config.jwt.secret.length >= 32);
    expect(config.trustProxy).toBe(false);
    expect(config.publicOrigin).toBe(undefined);
    expect(config.allowedOrigins).toStrictEqual([]);
    expect(config.ice.turnUrls).toStrictEqual([]);
    expect(config.ice.turnSecret).toBe(undefined);
  });

  it('reads valid values', () => {
    const config = loadConfig({
      ...VAPID,
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
    expect(config.production).toBe(true);
    expect(config.port).toBe(8080);
    expect(config.jwt.ttlSeconds).toBe(900);
    expect(config.jwt.secret.toString()).toBe('r4nd0m-'.repeat(6));
    expect(config.database).toStrictEqual({
      type: 'postgres',
      url: 'postgres://u:p@db:5432/dialtone',
    });
    expect(config.trustProxy).toStrictEqual(['loopback', '10.0.0.0/8']);
    expect(config.publicOrigin).toBe('https://call.example.org');
    expect(config.jwt.issuer).toBe('https://call.example.org');
    expect(config.ice.turnUrls).toStrictEqual(['turn:turn.example.org:3478']);
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
    expect(second).toStrictEqual(first);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(stored);
    const elsewhere = loadConfig({ DATA_DIR: join(dataDir, 'other') }).jwt.secret;
    expect(elsewhere).not.toStrictEqual(first);
  });

  it('LOG_FORMAT and LOG_LEVEL: JSON in production, readable lines otherwise; warn in tests', () => {
    const env = { JWT_SECRET: SECRET, DATA_DIR: dataDir };
    expect(loadConfig({ ...env, ...VAPID, NODE_ENV: 'production' }).logging).toStrictEqual({
      format: 'json',
      level: 'info',
    });
    expect(loadConfig(env).logging).toStrictEqual({ format: 'pretty', level: 'info' });
    expect(loadConfig({ ...env, NODE_ENV: 'test' }).logging.level).toBe('warn');
    expect(loadConfig({ ...env, LOG_FORMAT: 'json', LOG_LEVEL: 'trace' }).logging).toStrictEqual({
      format: 'json',
      level: 'trace',
    });
    assertRejects({ ...env, LOG_FORMAT: 'text' }, 'LOG_FORMAT');
    assertRejects({ ...env, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL');
    assertRejects({ ...env, LOG_LEVEL: 'INFO' }, 'LOG_LEVEL');
  });

  it('names DATABASE_URL when it is not PostgreSQL or SQLite', () => {
    assertRejects({ DATABASE_URL: 'mysql://x', JWT_SECRET: SECRET }, 'DATABASE_URL');
    const sqlite = loadConfig({ DATABASE_URL: 'sqlite:/tmp/d.sqlite', JWT_SECRET: SECRET });
    expect(sqlite.database).toStrictEqual({ type: 'sqlite', path: '/tmp/d.sqlite' });
  });

  it('REDIS_URL: unset is one process in memory; set, it needs PostgreSQL and a redis:// URL', () => {
    const postgres = { DATABASE_URL: 'postgres://u:p@db:5432/dialtone', JWT_SECRET: SECRET };
    expect(loadConfig(postgres).redis).toBeUndefined();
    expect(loadConfig({ ...postgres, REDIS_URL: 'redis://:pw@redis:6379/0' }).redis).toStrictEqual({
      url: 'redis://:pw@redis:6379/0',
      keyPrefix: 'dialtone:',
    });
    expect(
      loadConfig({ ...postgres, REDIS_URL: 'rediss://r', REDIS_KEY_PREFIX: 'blue:' }).redis,
    ).toStrictEqual({ url: 'rediss://r', keyPrefix: 'blue:' });
    assertRejects({ ...postgres, REDIS_URL: 'http://redis:6379' }, 'REDIS_URL');
    assertRejects({ ...postgres, REDIS_URL: 'not a url' }, 'REDIS_URL');
    assertRejects(
      { ...postgres, REDIS_URL: 'redis://r', REDIS_KEY_PREFIX: 'a b' },
      'REDIS_KEY_PREFIX',
    );
    // SQLite is one process's file: several instances cannot share it.
    assert.throws(
      () => loadConfig({ REDIS_URL: 'redis://redis:6379', JWT_SECRET: SECRET }),
      /REDIS_URL needs PostgreSQL.*DATABASE_URL/,
    );
  });

  it('leaves /metrics disabled without METRICS_TOKEN and validates the token when set', () => {
    assert.equal(loadConfig({ JWT_SECRET: SECRET }).metrics.token, undefined);
    const production = { ...VAPID, NODE_ENV: 'production', JWT_SECRET: 'r'.repeat(40) };
    assert.equal(loadConfig(production).metrics.token, undefined);
    const token = 'a1B2c3D4e5F6g7H8i9J0k1L2m3';
    assert.equal(loadConfig({ ...production, METRICS_TOKEN: token }).metrics.token, token);
    assertRejects({ JWT_SECRET: SECRET, METRICS_TOKEN: 'short' }, 'METRICS_TOKEN');
    assertRejects(
      { JWT_SECRET: SECRET, METRICS_TOKEN: 'x'.repeat(20) + ' y'.repeat(4) },
      'METRICS_TOKEN',
    );
    assertRejects(
      { ...production, METRICS_TOKEN: 'change-me-change-me-change-me' },
      'METRICS_TOKEN',
    );
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

  it('has account limits with defaults, each one configurable', () => {
    const defaults = loadConfig({ JWT_SECRET: SECRET }).accounts;
    expect(defaults).toStrictEqual({
      loginMaxFailures: 5,
      loginLockoutSeconds: 900,
      ratePerAddress: 20,
      rateGlobal: 600,
      hashConcurrency: Math.min(4, availableParallelism()),
      hashQueueLength: 32,
    });
    const raised = loadConfig({
      JWT_SECRET: SECRET,
      LOGIN_MAX_FAILURES: '10',
      LOGIN_LOCKOUT: '1h',
      AUTH_RATE_PER_ADDRESS: '100000',
      AUTH_RATE_GLOBAL: '100000',
      PASSWORD_HASH_CONCURRENCY: '8',
      PASSWORD_HASH_QUEUE: '0',
    }).accounts;
    expect(raised).toStrictEqual({
      loginMaxFailures: 10,
      loginLockoutSeconds: 3600,
      ratePerAddress: 100_000,
      rateGlobal: 100_000,
      hashConcurrency: 8,
      hashQueueLength: 0,
    });
  });

  it('has privacy limits with defaults, each one configurable and checked', () => {
    expect(loadConfig({ JWT_SECRET: SECRET }).privacy).toStrictEqual({
      searchesPerMinute: 30,
      contactRequestsPerMinute: 10,
      maxContacts: 1000,
      usernameCoolingOffSeconds: 30 * 86400,
    });
    const raised = loadConfig({
      JWT_SECRET: SECRET,
      DIRECTORY_SEARCH_RATE: '600',
      CONTACT_REQUEST_RATE: '100',
      MAX_CONTACTS: '5',
      USERNAME_COOLING_OFF: '2s',
    }).privacy;
    expect(raised).toStrictEqual({
      searchesPerMinute: 600,
      contactRequestsPerMinute: 100,
      maxContacts: 5,
      usernameCoolingOffSeconds: 2,
    });
    const cases: Record<string, string[]> = {
      DIRECTORY_SEARCH_RATE: ['0', 'many'],
      CONTACT_REQUEST_RATE: ['0', '2.5'],
      MAX_CONTACTS: ['0', '100001'],
      USERNAME_COOLING_OFF: ['0', 'never', '-1d'],
    };
    for (const [variable, values] of Object.entries(cases)) {
      for (const value of values) {
        assertRejects({ [variable]: value, JWT_SECRET: SECRET }, variable);
      }
    }
  });

  it('has signaling and history limits with defaults, each one configurable and checked', () => {
    const defaults = loadConfig({ JWT_SECRET: SECRET });
    expect(defaults.history).toStrictEqual({ maxPerUser: 500, mergeWindowMs: 3_600_000 });
    const { maxBufferedBytes, messageRate, messageBurst, callStarts } = defaults.signaling;
    expect({ maxBufferedBytes, messageRate, messageBurst, callStarts }).toStrictEqual({
      maxBufferedBytes: 1024 * 1024,
      messageRate: 50,
      messageBurst: 200,
      callStarts: { perCallee: 4, perCaller: 20, windowMs: 300_000, cooldownMs: 10_000 },
    });
    const raised = loadConfig({
      JWT_SECRET: SECRET,
      WS_MAX_BUFFERED_BYTES: '65536',
      WS_MESSAGE_RATE: '1000',
      WS_MESSAGE_BURST: '5000',
      CALL_STARTS_PER_CALLEE: '100',
      CALL_STARTS_PER_CALLER: '1000',
      CALL_STARTS_WINDOW: '1m',
      CALL_COOLDOWN: '2',
      HISTORY_MAX_PER_USER: '10',
      HISTORY_MERGE_WINDOW: '10m',
    });
    expect(raised.signaling).toMatchObject({
      maxBufferedBytes: 65536,
      messageRate: 1000,
      messageBurst: 5000,
      callStarts: { perCallee: 100, perCaller: 1000, windowMs: 60_000, cooldownMs: 2000 },
    });
    expect(raised.history).toStrictEqual({ maxPerUser: 10, mergeWindowMs: 600_000 });
    const cases: Record<string, string[]> = {
      WS_MAX_BUFFERED_BYTES: ['0', '1000', '1MiB'],
      WS_MESSAGE_RATE: ['0', 'fast'],
      WS_MESSAGE_BURST: ['0', '-5'],
      CALL_STARTS_PER_CALLEE: ['0', 'few'],
      CALL_STARTS_PER_CALLER: ['0', '1.5'],
      CALL_STARTS_WINDOW: ['0', 'forever'],
      CALL_COOLDOWN: ['0', 'soon'],
      HISTORY_MAX_PER_USER: ['0', 'all'],
      HISTORY_MERGE_WINDOW: ['0', '-1h'],
    };
    for (const [variable, values] of Object.entries(cases)) {
      for (const value of values) {
        assertRejects({ [variable]: value, JWT_SECRET: SECRET }, variable);
      }
    }
  });

  it('names each socket limit that is not a sensible number, and a socket cap above the file limit', () => {
    const cases: Record<string, string[]> = {
      WS_MAX_SOCKETS: ['0', 'many', '1.5', '10000001'],
      WS_MAX_PENDING_PER_USER: ['0', 'ten'],
      WS_UPGRADES_PER_ADDRESS: ['0', '-5'],
      WS_FIRST_FRAME_TIMEOUT_MS: ['99', '600001', '5s'],
    };
    for (const [variable, values] of Object.entries(cases)) {
      for (const value of values) {
        assertRejects({ [variable]: value, JWT_SECRET: SECRET }, variable);
      }
    }
    const fileLimit = openFileLimit();
    if (fileLimit !== undefined) {
      assertRejects({ WS_MAX_SOCKETS: String(fileLimit), JWT_SECRET: SECRET }, 'WS_MAX_SOCKETS');
      const config = loadConfig({ WS_MAX_SOCKETS: String(fileLimit - 64), JWT_SECRET: SECRET });
      expect(config.signaling.sockets.maxSockets).toBe(fileLimit - 64);
    }
  });

  it('names each account limit that is not a sensible number', () => {
    const cases: Record<string, string[]> = {
      LOGIN_MAX_FAILURES: ['0', 'five', '-1'],
      LOGIN_LOCKOUT: ['0', 'forever'],
      AUTH_RATE_PER_ADDRESS: ['0', '1.5', 'off'],
      AUTH_RATE_GLOBAL: ['0', 'unlimited'],
      PASSWORD_HASH_CONCURRENCY: ['0', '65'],
      PASSWORD_HASH_QUEUE: ['-1', 'none'],
    };
    for (const [variable, values] of Object.entries(cases)) {
      for (const value of values) {
        assertRejects({ [variable]: value, JWT_SECRET: SECRET }, variable);
      }
    }
  });

  describe('Web Push', () => {
    const production = { ...VAPID, NODE_ENV: 'production', JWT_SECRET: 'r'.repeat(40) };

    it('development: a VAPID pair generated once into DATA_DIR, the same after a restart', () => {
      const first = loadConfig({ DATA_DIR: dataDir }).push.vapid;
      expect(first.publicKey).toMatch(/^[\w-]{87}$/);
      expect(first.privateKey).toMatch(/^[\w-]{43}$/);
      assert.ok(existsSync(join(dataDir, 'vapid-keys.json')));
      expect(loadConfig({ DATA_DIR: dataDir }).push.vapid).toStrictEqual(first);
    });

    it('a generated key whose scalar starts with a zero byte is kept at 32 bytes and accepted', () => {
      const scalar = Buffer.concat([Buffer.from([0]), Buffer.alloc(31, 0x11)]);
      const { publicKey, privateKey } = vapidKeysOf(scalar.subarray(1)); // as getPrivateKey() gives it
      expect(Buffer.from(privateKey, 'base64url')).toStrictEqual(scalar);
      const env = { ...production, VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey };
      expect(loadConfig(env).push.vapid.privateKey).toBe(privateKey);
    });

    it('production: reads the pair and the subject, and the defaults', () => {
      const { push } = loadConfig(production);
      expect(push.vapid).toStrictEqual({
        publicKey: VAPID.VAPID_PUBLIC_KEY,
        privateKey: VAPID.VAPID_PRIVATE_KEY,
        subject: 'mailto:ops@example.org',
      });
      expect(push.maxSubscriptions).toBe(10);
      expect(push.sendTimeoutMs).toBe(5000);
      expect(push.allowedEndpoints.length).toBe(5);
    });

    it('production: names each missing or wrong VAPID variable', () => {
      for (const name of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']) {
        assertRejects({ ...production, [name]: '' }, name);
      }
      const other = vapidPair();
      assertRejects(
        { ...production, VAPID_PUBLIC_KEY: other.VAPID_PUBLIC_KEY },
        'VAPID_PUBLIC_KEY',
      );
      assertRejects({ ...production, VAPID_PUBLIC_KEY: 'abc' }, 'VAPID_PUBLIC_KEY');
      assertRejects(
        { ...production, VAPID_PRIVATE_KEY: 'a'.repeat(43) + '!' },
        'VAPID_PRIVATE_KEY',
      );
      for (const subject of ['ops@example.org', 'http://example.org', 'mailto:']) {
        assertRejects({ ...production, VAPID_SUBJECT: subject }, 'VAPID_SUBJECT');
      }
      assert.equal(
        loadConfig({ ...production, VAPID_SUBJECT: 'https://call.example.org' }).push.vapid.subject,
        'https://call.example.org',
      );
    });

    it('PUSH_ALLOWED_ENDPOINTS replaces the list; PUSH_MAX_SUBSCRIPTIONS and PUSH_SEND_TIMEOUT_MS', () => {
      const config = loadConfig({
        ...production,
        PUSH_ALLOWED_ENDPOINTS: 'http://127.0.0.1:8090, *.push.example.org',
        PUSH_MAX_SUBSCRIPTIONS: '3',
        PUSH_SEND_TIMEOUT_MS: '2000',
      });
      expect(config.push.allowedEndpoints).toStrictEqual([
        { kind: 'origin', origin: 'http://127.0.0.1:8090' },
        { kind: 'suffix', suffix: '.push.example.org' },
      ]);
      expect(config.push.maxSubscriptions).toBe(3);
      expect(config.push.sendTimeoutMs).toBe(2000);
      assertRejects(
        { ...production, PUSH_ALLOWED_ENDPOINTS: 'push.example.org' },
        'PUSH_ALLOWED_ENDPOINTS',
      );
      assertRejects({ ...production, PUSH_MAX_SUBSCRIPTIONS: '0' }, 'PUSH_MAX_SUBSCRIPTIONS');
      assertRejects({ ...production, PUSH_SEND_TIMEOUT_MS: 'soon' }, 'PUSH_SEND_TIMEOUT_MS');
    });
  });
});
