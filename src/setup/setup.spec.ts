import assert from 'node:assert/strict';
import { X509Certificate, createECDH } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  LAPTOP,
  NO_DEFAULT,
  TWO_DEFAULTS,
  type Machine,
} from '../../test/support/network-fixtures.js';
import { runSetup, type SetupOptions } from './setup.js';
import { SetupError } from './setup-error.js';

/** Every file under `dir` with its bytes and mode. */
function snapshot(dir: string): Map<string, { bytes: string; mode: number }> {
  const files = new Map<string, { bytes: string; mode: number }>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(path.slice(dir.length + 1), {
        bytes: readFileSync(path).toString('base64'),
        mode: statSync(path).mode & 0o777,
      });
    }
  }
  return files;
}

function envFile(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('the setup step', () => {
  let dir: string;
  let lines: string[];
  const options = (env: SetupOptions['env'] = {}, machine: Machine = LAPTOP): SetupOptions => ({
    env,
    dir,
    routeTable: () => machine.routes,
    interfaces: () => machine.interfaces,
    log: (line) => lines.push(line),
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dialtone-setup-'));
    lines = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates every secret once (mode 0600, right length) and leaves it byte for byte on a second run', async () => {
    const first = await runSetup(options());
    const generated = join(dir, 'generated');
    const secret = (name: string) => readFileSync(join(generated, name), 'utf8');
    expect(secret('jwt_secret')).toMatch(/^[0-9a-f]{64}$/);
    expect(secret('turn_secret')).toMatch(/^[0-9a-f]{64}$/);
    expect(secret('postgres_password')).toMatch(/^[0-9a-f]{48}$/);
    expect(secret('metrics_token')).toMatch(/^[0-9a-f]{48}$/);
    // VAPID as web-push's generateVAPIDKeys() gives it: a 32-byte P-256 scalar and its
    // uncompressed public point (65 bytes), both base64url.
    const vapidPrivate = Buffer.from(secret('vapid_private_key'), 'base64url');
    const vapidPublic = Buffer.from(secret('vapid_public_key'), 'base64url');
    expect([vapidPrivate.length, vapidPublic.length, vapidPublic[0]]).toStrictEqual([32, 65, 4]);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(vapidPrivate);
    assert.ok(ecdh.getPublicKey().equals(vapidPublic), 'the public key belongs to the private one');
    const ca = new X509Certificate(readFileSync(join(dir, 'ca', 'root.crt')));
    expect(ca.ca).toBe(true);
    expect(ca.fingerprint256).toBe(first.caSha256);
    expect(lines).toContain(`root CA SHA-256 ${first.caSha256}`);
    const before = snapshot(dir);
    for (const [path, { mode }] of before) {
      if (path !== 'state.json') {
        expect([path, mode]).toStrictEqual([path, 0o600]);
      }
    }
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    for (const folder of ['generated', 'ca', 'app', 'postgres', 'coturn', 'caddy']) {
      expect([folder, statSync(join(dir, folder)).mode & 0o777]).toStrictEqual([folder, 0o700]);
    }

    lines = [];
    const second = await runSetup(options());
    expect(snapshot(dir)).toStrictEqual(before);
    expect(second).toStrictEqual(first);
    assert.ok(!lines.some((line) => line.startsWith('generated')), lines.join('\n'));
  });

  it('hands each service its own copy, and writes what depends on the address', async () => {
    const result = await runSetup(options());
    const generated = (name: string) => readFileSync(join(dir, 'generated', name), 'utf8');
    const app = envFile(join(dir, 'app', 'app.env'));
    expect(app).toMatchObject({
      PUBLIC_URL: 'https://192.168.1.20',
      STUN_URLS: 'stun:192.168.1.20:3478',
      TURN_URLS: 'turn:192.168.1.20:3478?transport=udp,turn:192.168.1.20:3478?transport=tcp',
      LOCAL_CA_CERT_FILE: join(dir, 'app', 'root.crt'),
      VAPID_SUBJECT: 'https://192.168.1.20',
    });
    expect(readFileSync(app.JWT_SECRET_FILE, 'utf8')).toBe(generated('jwt_secret'));
    expect(readFileSync(app.TURN_SECRET_FILE, 'utf8')).toBe(generated('turn_secret'));
    expect(readFileSync(app.DATABASE_PASSWORD_FILE, 'utf8')).toBe(generated('postgres_password'));
    expect(readFileSync(app.METRICS_TOKEN_FILE, 'utf8')).toBe(generated('metrics_token'));
    expect(readFileSync(app.VAPID_PUBLIC_KEY_FILE, 'utf8')).toBe(generated('vapid_public_key'));
    expect(readFileSync(app.VAPID_PRIVATE_KEY_FILE, 'utf8')).toBe(generated('vapid_private_key'));
    expect(readFileSync(join(dir, 'postgres', 'postgres_password'), 'utf8')).toBe(
      generated('postgres_password'),
    );
    const coturn = envFile(join(dir, 'coturn', 'coturn.env'));
    expect(coturn).toStrictEqual({
      TURN_SECRET_FILE: join(dir, 'coturn', 'turn_secret'),
      TURN_REALM: '192.168.1.20',
      TURN_EXTERNAL_IP: '192.168.1.20',
      TURN_ALLOWED_PEER_IPS: '192.168.1.0-192.168.1.19,192.168.1.21-192.168.1.255',
    });
    expect(readFileSync(coturn.TURN_SECRET_FILE, 'utf8')).toBe(generated('turn_secret'));
    expect(envFile(join(dir, 'caddy', 'caddy.env'))).toStrictEqual({
      DIALTONE_HOST: '192.168.1.20',
      DIALTONE_TLS: 'internal',
      DIALTONE_HTTP_PORT: '80',
      DIALTONE_HTTPS_PORT: '443',
      DIALTONE_CA_CERT: join(dir, 'ca', 'root.crt'),
      DIALTONE_CA_KEY: join(dir, 'ca', 'root.key'),
    });
    expect(result).toMatchObject({
      host: '192.168.1.20',
      detected: true,
      publicUrl: 'https://192.168.1.20',
      trustUrl: 'http://192.168.1.20/trust',
    });
  });

  it('lets an explicit .env value win, and goes back to the generated one without it', async () => {
    await runSetup(options());
    const generatedJwt = readFileSync(join(dir, 'generated', 'jwt_secret'), 'utf8');
    const own = 'an-operator-chosen-secret-of-enough-length-0123456789';
    await runSetup(
      options({
        DIALTONE_HOST: 'dialtone.example.org',
        DIALTONE_TLS: 'admin@example.org',
        JWT_SECRET: own,
        POSTGRES_PASSWORD: 'kept-from-the-old-env',
        TURN_ALLOWED_PEER_IPS: '192.168.7.0-192.168.7.9',
        DIALTONE_HTTPS_PORT: '8443',
        VAPID_SUBJECT: 'mailto:admin@example.org',
      }),
    );
    expect(readFileSync(join(dir, 'app', 'jwt_secret'), 'utf8')).toBe(own);
    expect(readFileSync(join(dir, 'postgres', 'postgres_password'), 'utf8')).toBe(
      'kept-from-the-old-env',
    );
    expect(readFileSync(join(dir, 'app', 'database_password'), 'utf8')).toBe(
      'kept-from-the-old-env',
    );
    // The generated secret itself is untouched.
    expect(readFileSync(join(dir, 'generated', 'jwt_secret'), 'utf8')).toBe(generatedJwt);
    const app = envFile(join(dir, 'app', 'app.env'));
    expect(app.PUBLIC_URL).toBe('https://dialtone.example.org:8443');
    expect(app.VAPID_SUBJECT).toBe('mailto:admin@example.org');
    // A public certificate: no /trust, and the relay reaches only what .env allows.
    expect(app.LOCAL_CA_CERT_FILE).toBe(undefined);
    expect(envFile(join(dir, 'coturn', 'coturn.env')).TURN_ALLOWED_PEER_IPS).toBe(
      '192.168.7.0-192.168.7.9',
    );
    expect(envFile(join(dir, 'caddy', 'caddy.env')).DIALTONE_TLS).toBe('admin@example.org');

    await runSetup(options());
    expect(readFileSync(join(dir, 'app', 'jwt_secret'), 'utf8')).toBe(generatedJwt);
  });

  it('re-detects the address at every start and logs a change', async () => {
    await runSetup(options());
    lines = [];
    const moved = await runSetup(options({}, TWO_DEFAULTS));
    expect(moved.host).toBe('10.10.3.7');
    expect(lines).toContain(
      'the address changed from 192.168.1.20 to 10.10.3.7: phones must open the new address',
    );
    expect(envFile(join(dir, 'coturn', 'coturn.env')).TURN_ALLOWED_PEER_IPS).toBe(
      '10.10.0.0-10.10.3.6,10.10.3.8-10.10.255.255',
    );
  });

  it('stops with a message naming DIALTONE_HOST when no address can be found', async () => {
    await expect(runSetup(options({}, NO_DEFAULT))).rejects.toThrow(/set DIALTONE_HOST in \.env/);
    // With DIALTONE_HOST set the same machine is fine; the LAN range comes from its interface.
    const result = await runSetup(options({ DIALTONE_HOST: '192.168.1.20' }, NO_DEFAULT));
    expect(result.detected).toBe(false);
    expect(envFile(join(dir, 'coturn', 'coturn.env')).TURN_ALLOWED_PEER_IPS).toBe(
      '192.168.1.0-192.168.1.19,192.168.1.21-192.168.1.255',
    );
  });

  it('says so when the host is a name on a LAN: the relay then gets no LAN range', async () => {
    await runSetup(options({ DIALTONE_HOST: 'dialtone.lan' }));
    expect(envFile(join(dir, 'coturn', 'coturn.env'))).toMatchObject({
      TURN_REALM: 'dialtone.lan',
      TURN_EXTERNAL_IP: 'dialtone.lan',
      TURN_ALLOWED_PEER_IPS: '',
    });
    assert.ok(
      lines.some((line) => /set TURN_ALLOWED_PEER_IPS/.test(line)),
      lines.join('\n'),
    );
  });

  it('refuses values that would break the files it writes', async () => {
    await expect(runSetup(options({ DIALTONE_HOST: 'a b' }))).rejects.toThrow(SetupError);
    await expect(runSetup(options({ DIALTONE_HTTPS_PORT: '99999' }))).rejects.toThrow(
      /DIALTONE_HTTPS_PORT/,
    );
    await expect(runSetup(options({ TURN_EXTERNAL_IP: 'line\nbreak' }))).rejects.toThrow(
      /line break/,
    );
  });

  it('takes over the root CA of an existing Caddy data volume', async () => {
    const caddy = mkdtempSync(join(tmpdir(), 'dialtone-caddy-'));
    try {
      const earlier = mkdtempSync(join(tmpdir(), 'dialtone-earlier-'));
      const made = await runSetup({ ...options(), dir: earlier });
      writeFileSync(join(caddy, 'root.crt'), readFileSync(join(earlier, 'ca', 'root.crt')));
      writeFileSync(join(caddy, 'root.key'), readFileSync(join(earlier, 'ca', 'root.key')));
      rmSync(earlier, { recursive: true, force: true });
      const result = await runSetup({ ...options(), adoptCaFrom: caddy });
      expect(result.caSha256).toBe(made.caSha256);
      expect(lines).toContain('took over the root CA of the existing Caddy data volume');
    } finally {
      rmSync(caddy, { recursive: true, force: true });
    }
  });
});
