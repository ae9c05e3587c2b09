import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureLocalCa } from '../setup/local-ca.js';
import { SECRETS, vapidPublicKey } from '../setup/secrets.js';
import { ConfigError } from './config-error.js';
import { FILE_VARIABLES, withFileVariables } from './file-variables.js';
import { loadConfig } from './load-config.js';

function rejects(env: Record<string, string>, variable: string, problem: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.variable === variable &&
      error.message.includes(variable) &&
      problem.test(error.message),
    `expected a ConfigError naming ${variable} (${problem.source})`,
  );
}

describe('*_FILE variables', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content, { mode: 0o600 });
    return join(dir, name);
  };
  const production = (extra: Record<string, string>) => ({
    NODE_ENV: 'production',
    DATA_DIR: dir,
    ...extra,
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dialtone-file-vars-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each secret from its file, without the trailing line break', () => {
    const jwt = 'f'.repeat(64);
    const vapidPrivate = SECRETS.vapid_private_key.make();
    const config = loadConfig(
      production({
        JWT_SECRET_FILE: file('jwt', `${jwt}\n`),
        TURN_URLS: 'turn:192.168.1.20:3478',
        TURN_SECRET_FILE: file('turn', 'a1b2c3d4e5f6a7b8c9d0\r\n'),
        METRICS_TOKEN_FILE: file('metrics', '0123456789abcdef01234567'),
        DATABASE_URL: 'postgres://dialtone@postgres:5432/dialtone',
        DATABASE_PASSWORD_FILE: file('db', 'p@ss:w/rd\n'),
        REDIS_URL_FILE: file('redis', 'redis://:pw@redis:6379'),
        VAPID_PUBLIC_KEY_FILE: file('vapid-public', `${vapidPublicKey(vapidPrivate)}\n`),
        VAPID_PRIVATE_KEY_FILE: file('vapid-private', `${vapidPrivate}\n`),
        VAPID_SUBJECT: 'https://192.168.1.20',
      }),
    );
    expect(config.jwt.secret.toString()).toBe(jwt);
    expect(config.ice.turnSecret).toBe('a1b2c3d4e5f6a7b8c9d0');
    expect(config.metrics.token).toBe('0123456789abcdef01234567');
    // The password goes into the URL encoded, and decodes back to itself.
    assert.equal(config.database.type, 'postgres');
    const url = new URL(config.database.url);
    expect([url.username, decodeURIComponent(url.password), url.host]).toStrictEqual([
      'dialtone',
      'p@ss:w/rd',
      'postgres:5432',
    ]);
    expect(config.redis?.url).toBe('redis://:pw@redis:6379');
    expect(config.push.vapid.privateKey).toBe(vapidPrivate);
    expect(config.push.vapid.publicKey).toBe(vapidPublicKey(vapidPrivate));
  });

  it('validates a value read from a file exactly like the plain variable', () => {
    rejects(production({ JWT_SECRET_FILE: file('short', 'too short') }), 'JWT_SECRET', /32 bytes/);
    rejects(
      production({ JWT_SECRET_FILE: file('placeholder', `change-me-${'x'.repeat(40)}`) }),
      'JWT_SECRET',
      /placeholder/,
    );
    rejects(
      production({ JWT_SECRET: 'k'.repeat(40), METRICS_TOKEN_FILE: file('m', 'short') }),
      'METRICS_TOKEN',
      /24 printable/,
    );
    rejects(
      production({
        JWT_SECRET: 'k'.repeat(40),
        TURN_URLS: 'turn:h:3478',
        TURN_SECRET_FILE: file('t', 'short'),
      }),
      'TURN_SECRET',
      /16 characters/,
    );
  });

  it('names the _FILE variable when the file is missing, empty, or set with the plain one', () => {
    rejects(production({ JWT_SECRET_FILE: join(dir, 'nope') }), 'JWT_SECRET_FILE', /ENOENT/);
    rejects(production({ JWT_SECRET_FILE: file('empty', '\n') }), 'JWT_SECRET_FILE', /empty/);
    rejects(
      production({ JWT_SECRET: 'k'.repeat(40), JWT_SECRET_FILE: file('both', 'k'.repeat(40)) }),
      'JWT_SECRET_FILE',
      /both set/,
    );
    // An empty _FILE is "not set", as compose writes an unset optional variable.
    expect(withFileVariables({ JWT_SECRET: 'x', JWT_SECRET_FILE: '' }).JWT_SECRET).toBe('x');
  });

  it('covers the secrets the compose setup step writes, and leaves other variables alone', () => {
    for (const name of ['JWT_SECRET', 'TURN_SECRET', 'METRICS_TOKEN', 'DATABASE_PASSWORD']) {
      assert.ok((FILE_VARIABLES as readonly string[]).includes(name), name);
    }
    expect(withFileVariables({ PORT_FILE: file('port', '1') }).PORT).toBe(undefined);
  });

  it('refuses DATABASE_PASSWORD without a PostgreSQL URL', () => {
    rejects(
      { DATA_DIR: dir, DATABASE_PASSWORD: 'secret-password' },
      'DATABASE_PASSWORD',
      /postgres/,
    );
    rejects(
      { DATA_DIR: dir, DATABASE_URL: 'sqlite:x.db', DATABASE_PASSWORD: 'secret-password' },
      'DATABASE_PASSWORD',
      /postgres/,
    );
  });

  it('reads LOCAL_CA_CERT(_FILE): a CA certificate, with its SHA-256 fingerprint', async () => {
    const ca = await ensureLocalCa(join(dir, 'ca'));
    const config = loadConfig({ DATA_DIR: dir, LOCAL_CA_CERT_FILE: ca.certPath });
    expect(config.localCa?.sha256).toBe(ca.sha256);
    expect(config.localCa?.der.equals(new X509Certificate(ca.certPem).raw)).toBe(true);
    expect(loadConfig({ DATA_DIR: dir }).localCa).toBe(undefined);
    rejects({ DATA_DIR: dir, LOCAL_CA_CERT: 'not a certificate' }, 'LOCAL_CA_CERT', /PEM/);
    // The key is no certificate at all; a leaf certificate would be refused as "not a CA".
    rejects({ DATA_DIR: dir, LOCAL_CA_CERT_FILE: ca.keyPath }, 'LOCAL_CA_CERT', /PEM certificate/);
    expect(readFileSync(ca.certPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
