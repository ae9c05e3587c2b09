// docker-compose.yml, checked without a Docker engine: interpolated the way Compose interpolates
// (with no .env at all, as on a fresh clone), validated against the Compose Specification JSON
// schema vendored in deploy/compose-spec.schema.json, and its wiring asserted together with what
// the setup step (src/setup, the `setup` service) writes into the setup volume for a LAN machine:
// ordering, healthchecks, every secret read from that volume, the app's environment, one TURN
// secret for app and coturn, Caddy -> app.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config/paths.js';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/load-config.js';
import { runSetup, type SetupResult } from '../src/setup/setup.js';
import { LAPTOP } from './support/network-fixtures.js';

const ROOT = PROJECT_ROOT;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Env = Record<string, string | undefined>;

// ---------------------------------------------------------------------------------------------
// Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:?x}, ${VAR?x}, ${VAR:+x},
// ${VAR+x}, nested operands (compose-spec "Interpolation").

interface VarRef {
  name: string;
  op: string;
  arg: string;
}

class InterpolationError extends Error {}

function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) {
      return i;
    }
  }
  throw new InterpolationError(`unclosed \${ in ${text}`);
}

function splitExpression(body: string): VarRef {
  const match = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (match === null) {
    throw new InterpolationError(`invalid interpolation format for \${${body}}`);
  }
  return { name: match[1], op: match[2] ?? '', arg: match[3] ?? '' };
}

/** Every variable reference in `text`, nested operands included. */
function references(text: string): VarRef[] {
  const found: VarRef[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      continue;
    }
    if (text[i + 1] === '$') {
      i++;
    } else if (text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      const ref = splitExpression(text.slice(i + 2, end));
      found.push(ref, ...references(ref.arg));
      i = end;
    } else {
      const name = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(text.slice(i + 1));
      if (name !== null) {
        found.push({ name: name[0], op: '', arg: '' });
        i += name[0].length;
      }
    }
  }
  return found;
}

function interpolate(text: string, env: Env): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      out += text[i];
    } else if (text[i + 1] === '$') {
      out += '$';
      i++;
    } else if (text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      const { name, op, arg } = splitExpression(text.slice(i + 2, end));
      const value = env[name];
      const set = value !== undefined;
      const filled = set && value !== '';
      if (op === '') {
        out += value ?? '';
      } else if (op === ':-' || op === '-') {
        out += (op === ':-' ? filled : set) ? value : interpolate(arg, env);
      } else if (op === ':?' || op === '?') {
        if (!(op === ':?' ? filled : set)) {
          throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
        }
        out += value;
      } else {
        out += (op === ':+' ? filled : set) ? interpolate(arg, env) : '';
      }
      i = end;
    } else {
      const name = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(text.slice(i + 1));
      if (name === null) {
        out += '$';
      } else {
        out += env[name[0]] ?? '';
        i += name[0].length;
      }
    }
  }
  return out;
}

function interpolateTree(node: Json, env: Env): Json {
  if (typeof node === 'string') {
    return interpolate(node, env);
  }
  if (Array.isArray(node)) {
    return node.map((item) => interpolateTree(item, env));
  }
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env)]));
  }
  return node;
}

function stringsIn(node: Json): string[] {
  if (typeof node === 'string') {
    return [node];
  }
  if (Array.isArray(node)) {
    return node.flatMap(stringsIn);
  }
  if (node !== null && typeof node === 'object') {
    return Object.values(node).flatMap(stringsIn);
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// the files

/** Secrets the setup step generates; .env may still set each (the setup service passes it on). */
const SECRETS = [
  'JWT_SECRET',
  'TURN_SECRET',
  'POSTGRES_PASSWORD',
  'METRICS_TOKEN',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
] as const;
/** What the app reads at start (the list); production refuses to start without JWT_SECRET. */
const APP_ENV = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_PASSWORD_FILE',
  'JWT_SECRET_FILE',
  'JWT_TTL',
  'TRUST_PROXY',
  'ALLOWED_ORIGINS',
  'TURN_SECRET_FILE',
  'TURN_TTL',
  'METRICS_TOKEN_FILE',
  'MAX_SESSIONS_PER_USER',
  'RING_TIMEOUT_MS',
  'RESUME_WINDOW_MS',
] as const;
/** Where every service mounts the setup volume. */
const SETUP_MOUNT = '/setup';
/** One-shot services: they run to completion and serve nothing. */
const ONE_SHOT = ['setup', 'ready'];

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  user?: string;
  restart?: string;
  network_mode?: string;
  build?: string | { context: string };
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  command?: string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  networks?: string[];
  extends?: { service: string };
}
interface ComposeFile {
  services: Record<string, Service>;
  networks: Record<string, { ipam?: { config: { subnet: string }[] } } | null>;
  volumes: Record<string, unknown>;
}

const rawText = read('docker-compose.yml');
const raw = parse(rawText) as Json;

function parseDotenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match !== null) {
      env[match[1]] = match[2];
    }
  }
  return env;
}

const envExampleText = read('.env.example');
const envExample = parseDotenv(envExampleText);
/** A fresh clone: no .env at all. */
const compose = interpolateTree(raw, {}) as unknown as ComposeFile;
const rawCompose = raw as unknown as ComposeFile;
/** .env.example copied to .env as it is: the same as no .env. */
const withExample = interpolateTree(raw, envExample) as unknown as ComposeFile;

/**
 * The setup step run for a LAN laptop (192.168.1.20/24 on wlan0) with the setup service's own
 * environment, into a temp folder standing for the setup volume. `generated(service, file)` reads
 * what it wrote; `local(path)` maps a path as the services see it (/setup/...) to the temp folder.
 */
let setupDir: string;
let setup: SetupResult;
const local = (path: string) => path.replace(new RegExp(`^${SETUP_MOUNT}/`), `${setupDir}/`);
const generatedEnv = (service: string): Record<string, string> =>
  parseDotenv(readFileSync(join(setupDir, service, `${service}.env`), 'utf8'));

beforeAll(async () => {
  setupDir = mkdtempSync(join(tmpdir(), 'dialtone-compose-setup-'));
  const env = Object.fromEntries(
    Object.entries(compose.services.setup?.environment ?? {}).map(([k, v]) => [k, String(v)]),
  );
  setup = await runSetup({
    env,
    dir: setupDir,
    mountPoint: SETUP_MOUNT,
    routeTable: () => LAPTOP.routes,
    interfaces: () => LAPTOP.interfaces,
    log: () => undefined,
  });
});
afterAll(() => rmSync(setupDir, { recursive: true, force: true }));

function healthcheckCommand(svc: Service): string {
  const test = svc.healthcheck?.test;
  assert.ok(Array.isArray(test), 'healthcheck test is an exec-form list');
  return test.join(' ');
}
const service = (name: string): Service => {
  const found = compose.services[name];
  assert.ok(found, `service ${name} exists`);
  return found;
};

function turnConf(): Map<string, string[]> {
  const options = new Map<string, string[]>();
  for (const line of read('deploy/turnserver.conf').split('\n')) {
    const match = /^([a-z0-9-]+)(?:=(.*))?$/.exec(line.trim());
    if (match !== null) {
      options.set(match[1], [...(options.get(match[1]) ?? []), match[2] ?? '']);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// address ranges (coturn's "first-last" notation)

function ipToBigInt(ip: string): bigint {
  if (isIP(ip) === 4) {
    return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(part), 0n);
  }
  // IPv6, possibly with an embedded IPv4 tail.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (v4 !== null) {
    const n = ipToBigInt(v4[1]);
    text = ip.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail = ''] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = text.includes('::')
    ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/**
 * coturn's own test (ioa_addr_in_range in ns_turn_ioaddr.c), quirks included: a range whose first
 * address is the any-address (0.0.0.0 or ::) has no lower bound, and addresses of two families
 * compare by family (every IPv4 address ranks below every IPv6 one). So "::-x" would take in all
 * of IPv4, which the public-address check below catches.
 */
function inRanges(ip: string, ranges: string[]): boolean {
  const lessOrEqual = (a: string, b: string) =>
    isIP(a) === isIP(b) ? ipToBigInt(a) <= ipToBigInt(b) : isIP(a) === 4;
  const isAny = (address: string) => ipToBigInt(address) === 0n;
  return ranges.some((range) => {
    const [first, last = first] = range.split('-');
    return (isAny(first) || lessOrEqual(first, ip)) && lessOrEqual(ip, last);
  });
}

function cidrFirstLast(cidr: string): [string, string] {
  const [base, bits] = cidr.split('/');
  const n = ipToBigInt(base);
  const size = 1n << BigInt(32 - Number(bits));
  const first = n - (n % size);
  const toIp = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  return [toIp(first), toIp(first + size - 1n)];
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  describe('against the Compose Specification schema', () => {
    const schemaFile = JSON.parse(read('deploy/compose-spec.schema.json')) as Record<string, Json>;
    // The vendored schema (compose-spec, draft 2019-09) names its draft with a non-canonical URI
    // and uses draft-04 style "id" annotations; Ajv2019 validates with the same draft.
    // Ajv refuses "id" (it wants "$id"), so those string annotations are dropped before compiling.
    const withoutIds = (node: Json): Json => {
      if (Array.isArray(node)) {
        return node.map(withoutIds);
      }
      if (node !== null && typeof node === 'object') {
        return Object.fromEntries(
          Object.entries(node)
            .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
            .map(([key, value]) => [key, withoutIds(value)]),
        );
      }
      return node;
    };
    const { $schema: _draft, ...schema } = withoutIds(schemaFile) as Record<string, Json>;
    const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false });
    // The formats Compose implements (compose-go's schema checker).
    ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
    ajv.addFormat('ports', {
      type: 'string',
      validate: (value: string) =>
        /^(?:(?:\[[0-9a-fA-F:]+\]|\d+\.\d+\.\d+\.\d+):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/.test(
          value,
        ),
    });
    ajv.addFormat('subnet_ip_address', (value: string) => {
      const [address, bits, extra] = value.split('/');
      const max = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : -1;
      return extra === undefined && /^\d+$/.test(bits ?? '') && Number(bits) <= max;
    });
    const validate = ajv.compile(schema);

    it('validates once interpolated with the values .env.example documents', () => {
      const valid = validate(compose);
      assert.ok(valid, ajv.errorsText(validate.errors, { separator: '\n' }));
    });

    it('is a real check: a misspelt key or a bad duration fails it', () => {
      const misspelt = structuredClone(compose) as unknown as Record<string, Record<string, Json>>;
      (misspelt.services.app as Record<string, Json>).healtcheck = { test: ['CMD', 'true'] };
      expect(validate(misspelt)).toBe(false);
      const badDuration = structuredClone(compose);
      badDuration.services.app.healthcheck = { ...badDuration.services.app.healthcheck };
      (badDuration.services.app.healthcheck as Record<string, Json>).interval = 'soon';
      expect(validate(badDuration)).toBe(false);
      expect(ajv.errorsText(validate.errors)).toMatch(/format "duration"/);
    });
  });

  it('validates with .env.example copied to .env as it is: the same as no .env', () => {
    expect(withExample).toStrictEqual(compose);
  });

  it('orders the start: setup to completion first, then the rest, the ready line last', () => {
    expect(Object.keys(compose.services).sort()).toStrictEqual([
      'app',
      'app2',
      'caddy',
      'coturn',
      'postgres',
      'ready',
      'redis',
      'setup',
    ]);
    for (const name of ONE_SHOT) {
      const svc = service(name);
      expect([name, svc.restart]).toStrictEqual([name, 'no']);
      expect([name, svc.healthcheck?.disable]).toStrictEqual([name, true]);
    }
    for (const name of ['app', 'postgres', 'coturn', 'caddy']) {
      expect([name, service(name).depends_on?.setup?.condition]).toStrictEqual([
        name,
        'service_completed_successfully',
      ]);
    }
    // Redis holds no secret and depends on nothing the setup step writes.
    expect(service('redis').depends_on).toBe(undefined);
    expect(service('ready').depends_on).toStrictEqual({
      caddy: { condition: 'service_healthy' },
    });
    // The setup step sees the host's routes and interfaces, and may hand files to other users.
    expect(service('setup').network_mode).toBe('host');
    expect(service('setup').user).toBe('root');
    expect(service('setup').command).toStrictEqual(['node', 'dist/setup/main.js']);
    expect(service('ready').command).toStrictEqual(['node', 'dist/setup/announce.js']);
    for (const name of ONE_SHOT) {
      expect(service(name).image).toBe(service('app').image);
    }
  });

  it('gives every long-running service a healthcheck, and the app waits for a healthy database', () => {
    for (const [name, own] of Object.entries(compose.services)) {
      if (ONE_SHOT.includes(name)) {
        continue;
      }
      // `extends` takes the other service's definition, healthcheck included.
      const svc = own.extends ? { ...service(own.extends.service), ...own } : own;
      const test = svc.healthcheck?.test;
      assert.ok(Array.isArray(test) && test.length > 1, `${name} has a healthcheck test`);
      assert.notEqual(svc.healthcheck?.disable, true, `${name}'s healthcheck is enabled`);
      expect(test[0]).toMatch(/^CMD(-SHELL)?$/);
    }
    const app = service('app');
    expect(app.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(service('caddy').depends_on?.app?.condition).toBe('service_healthy');
    expect(service('caddy').depends_on?.app2?.condition).toBe('service_healthy');
    expect(app.depends_on?.redis?.condition).toBe('service_healthy');
    const appCheck = healthcheckCommand(app);
    expect(appCheck).toMatch(/^CMD node -e .*fetch\('http:\/\/127\.0\.0\.1:3000\/health'\)/);
    expect(healthcheckCommand(service('postgres'))).toMatch(/pg_isready/);
    expect(healthcheckCommand(service('coturn'))).toMatch(/turnutils_stunclient -p 3478/);
    expect(service('postgres').image ?? '').toMatch(/^postgres:16(\.|$|-)/);
    assert.ok(
      (service('postgres').volumes ?? []).some((v) =>
        /^postgres_data:\/var\/lib\/postgresql\/data$/.test(v),
      ),
      'postgres keeps its data in a named volume',
    );
  });

  describe('secrets', () => {
    const refsByName = new Map<string, VarRef[]>();
    for (const text of stringsIn(raw)) {
      for (const ref of references(text)) {
        refsByName.set(ref.name, [...(refsByName.get(ref.name) ?? []), ref]);
      }
    }

    it('requires nothing: no ${VAR:?message} or ${VAR?message} is left', () => {
      for (const [name, refs] of refsByName) {
        for (const ref of refs) {
          assert.ok(!ref.op.includes('?'), `\${${name}${ref.op}...} stops a fresh clone`);
        }
      }
      expect(() => interpolateTree(raw, {})).not.toThrow();
    });

    it('hands secrets to the setup service only, as optional overrides', () => {
      for (const [name, svc] of Object.entries(rawCompose.services)) {
        for (const [key, value] of Object.entries(svc.environment ?? {})) {
          if (!/SECRET|PASSWORD|TOKEN|_KEY$/.test(key)) {
            continue;
          }
          if (name === 'setup') {
            expect(String(value)).toBe(`\${${key}:-}`);
          } else {
            // Everyone else reads a file of the setup volume, never a value.
            assert.match(key, /_FILE$/, `${name}.${key} is a *_FILE variable`);
            assert.match(String(value), new RegExp(`^${SETUP_MOUNT}/[a-z]+/[a-z_]+$`));
          }
        }
      }
      for (const name of SECRETS) {
        assert.ok(name in (rawCompose.services.setup.environment ?? {}), `setup gets ${name}`);
        assert.equal(envExample[name], '', `.env.example leaves ${name} empty`);
      }
      expect(envExample.DIALTONE_HOST).toBe('');
    });

    it('reads every secret from the setup volume, each service from its own folder', () => {
      const mounts = (name: string) => service(name).volumes ?? [];
      expect(mounts('setup')).toContain(`setup:${SETUP_MOUNT}`);
      for (const name of ['app', 'postgres', 'coturn', 'caddy', 'ready']) {
        assert.ok(mounts(name).includes(`setup:${SETUP_MOUNT}:ro`), `${name} mounts it read-only`);
      }
      assert.ok('setup' in compose.volumes, 'a named volume: it outlives the containers');
      const app = service('app').environment ?? {};
      const appEnv = generatedEnv('app');
      for (const key of [
        'JWT_SECRET_FILE',
        'TURN_SECRET_FILE',
        'DATABASE_PASSWORD_FILE',
        'METRICS_TOKEN_FILE',
        'VAPID_PUBLIC_KEY_FILE',
        'VAPID_PRIVATE_KEY_FILE',
      ]) {
        expect([key, app[key]]).toStrictEqual([key, appEnv[key]]);
        assert.match(app[key], new RegExp(`^${SETUP_MOUNT}/app/`));
        readFileSync(local(app[key]));
      }
      const postgres = service('postgres').environment ?? {};
      expect(postgres.POSTGRES_PASSWORD_FILE).toBe(`${SETUP_MOUNT}/postgres/postgres_password`);
      expect(postgres.POSTGRES_PASSWORD).toBe(undefined);
      expect(readFileSync(local(postgres.POSTGRES_PASSWORD_FILE), 'utf8')).toBe(
        readFileSync(local(app.DATABASE_PASSWORD_FILE), 'utf8'),
      );
      expect(generatedEnv('coturn').TURN_SECRET_FILE).toBe(`${SETUP_MOUNT}/coturn/turn_secret`);
    });

    it('documents every variable it references in .env.example', () => {
      for (const name of refsByName.keys()) {
        assert.ok(name in envExample, `.env.example has a ${name}= line`);
        const before = envExampleText.slice(0, envExampleText.indexOf(`\n${name}=`));
        const above = before.split('\n').at(-1) ?? '';
        // A line of its own, or the second of a pair explained together (VAPID_*_KEY).
        assert.ok(/^# /.test(above) || /^[A-Z_]+=/.test(above), `${name} is explained`);
      }
    });
  });

  describe('app', () => {
    const env = service('app').environment ?? {};
    /** What the app process gets: compose's environment, then the setup step's app.env. */
    const appProcessEnv = () => ({ ...env, ...generatedEnv('app') });

    it('is built from the Dockerfile and gets every variable it reads in production', () => {
      const build = service('app').build;
      assert.ok(build === '.' || (typeof build === 'object' && build.context === '.'));
      for (const name of APP_ENV) {
        assert.ok(name in env, `app.environment.${name}`);
      }
      expect(env.NODE_ENV).toBe('production');
      expect(env.DATA_DIR).toBe('/data');
      assert.ok(
        (service('app').volumes ?? []).includes('app_data:/data'),
        'DATA_DIR is on a volume',
      );
      expect(Number(env.TURN_TTL)).toBe(3600);
      // The setup step's app.env is exported by deploy/with-env.sh before the app starts.
      expect(service('app').entrypoint).toStrictEqual([
        '/bin/sh',
        '/deploy/with-env.sh',
        `${SETUP_MOUNT}/app/app.env`,
      ]);
      expect(service('app').command).toStrictEqual(['node', 'dist/main.js']);
      assert.ok(
        (service('app').volumes ?? []).includes('./deploy/with-env.sh:/deploy/with-env.sh:ro'),
      );
      expect(generatedEnv('app').PUBLIC_URL).toBe('https://192.168.1.20');
    });

    it('gets exactly the generated files through deploy/with-env.sh, literally', () => {
      const dir = mkdtempSync(join(tmpdir(), 'dialtone-with-env-'));
      try {
        const file = join(dir, 'app.env');
        writeFileSync(
          file,
          readFileSync(join(setupDir, 'app', 'app.env'), 'utf8') + 'TRICKY=$HOME `x` "y" a=b\n',
        );
        const printed = execFileSync(
          '/bin/sh',
          [join(ROOT, 'deploy/with-env.sh'), file, '/usr/bin/env'],
          { env: { PATH: '/usr/bin:/bin', PUBLIC_URL: 'overridden' }, encoding: 'utf8' },
        );
        const seen = parseDotenv(printed);
        expect(seen).toMatchObject(generatedEnv('app'));
        expect(seen.TRICKY).toBe('$HOME `x` "y" a=b');
        writeFileSync(file, 'not a variable line\n');
        assert.throws(() =>
          execFileSync('/bin/sh', [join(ROOT, 'deploy/with-env.sh'), file, '/bin/true'], {
            stdio: 'ignore',
          }),
        );
        assert.throws(() =>
          execFileSync(
            '/bin/sh',
            [join(ROOT, 'deploy/with-env.sh'), join(dir, 'missing'), '/bin/true'],
            { stdio: 'ignore' },
          ),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('passes the app’s own configuration check, and sets everything it reads', () => {
      // The real loader the server runs at start (src/config/load-config.ts), recording which
      // variables it looks at, with the files of the setup volume.
      const looked = new Set<string>();
      const processEnv = Object.fromEntries(
        Object.entries(appProcessEnv()).map(([key, value]) => [
          key,
          key.endsWith('_FILE') ? local(value) : value,
        ]),
      );
      const watched = new Proxy(processEnv, {
        get(target, key) {
          if (typeof key === 'string') {
            looked.add(key);
          }
          return Reflect.get(target, key) as unknown;
        },
      }) as Record<string, string | undefined>;
      const config = loadConfig(watched);
      const secret = (name: string) => readFileSync(join(setupDir, 'generated', name), 'utf8');
      expect(config.production).toBe(true);
      assert.equal(config.database.type, 'postgres');
      expect(config.database.url).toBe(
        `postgres://dialtone:${secret('postgres_password')}@postgres:5432/dialtone`,
      );
      expect(config.jwt.secret.toString()).toBe(secret('jwt_secret'));
      expect(config.metrics.token).toBe(secret('metrics_token'));
      expect(config.port).toBe(3000);
      expect(config.trustProxy).toStrictEqual(['172.30.57.0/24']);
      expect(config.publicOrigin).toBe('https://192.168.1.20');
      expect(config.ice.turnSecret).toBe(secret('turn_secret'));
      expect(config.ice.turnUrls.length).toBe(2);
      expect(config.localCa?.sha256).toBe(setup.caSha256);
      expect(config.redis).toStrictEqual({ url: 'redis://redis:6379', keyPrefix: 'dialtone:' });
      // Tuning knobs compose deliberately leaves at the app's defaults.
      const leftToDefaults = new Set([
        'WS_PING_INTERVAL_MS',
        'WS_SILENCE_TIMEOUT_MS',
        'RESUME_BUFFER_MESSAGES',
        'RESUME_BUFFER_BYTES',
        'RESUME_MAX_FAILURES',
        'RESUME_FAILURE_WINDOW_MS',
        // Account limits (docs/security.md): the defaults suit a deployment; benchmarks raise them.
        'LOGIN_MAX_FAILURES',
        'LOGIN_LOCKOUT',
        'AUTH_RATE_PER_ADDRESS',
        'AUTH_RATE_GLOBAL',
        'PASSWORD_HASH_CONCURRENCY',
        'PASSWORD_HASH_QUEUE',
        // Signaling limits (docs/security.md), same reasoning.
        'WS_MAX_BUFFERED_BYTES',
        'WS_MESSAGE_RATE',
        'WS_MESSAGE_BURST',
        'WS_MAX_SOCKETS',
        'WS_MAX_PENDING_PER_USER',
        'WS_UPGRADES_PER_ADDRESS',
        'WS_FIRST_FRAME_TIMEOUT_MS',
        'CALL_STARTS_PER_CALLEE',
        'CALL_STARTS_PER_CALLER',
        'CALL_STARTS_WINDOW',
        'CALL_COOLDOWN',
        'HISTORY_MAX_PER_USER',
        'HISTORY_MERGE_WINDOW',
        // JSON, the production default, is what `docker compose logs` and log shippers read.
        'LOG_FORMAT',
        // One deployment per Redis: the default prefix is fine.
        'REDIS_KEY_PREFIX',
        // Revocations' staleness bound on Redis (docs/security.md): the default suits.
        'REVOCATION_MAX_STALE_MS',
        // Privacy limits (docs/security.md), same reasoning as the account limits.
        'DIRECTORY_SEARCH_RATE',
        'CONTACT_REQUEST_RATE',
        'MAX_CONTACTS',
        'USERNAME_COOLING_OFF',
        // Each is read from its *_FILE (the plain variable is checked first, and is unset).
        'JWT_SECRET',
        'TURN_SECRET',
        'METRICS_TOKEN',
        'DATABASE_PASSWORD',
        'LOCAL_CA_CERT',
        'VAPID_PUBLIC_KEY',
        'VAPID_PRIVATE_KEY',
        // Web Push limits (docs/security.md): the defaults suit a LAN deployment.
        'PUSH_ALLOWED_ENDPOINTS',
        'PUSH_MAX_SUBSCRIPTIONS',
        'PUSH_SEND_TIMEOUT_MS',
        'REDIS_URL_FILE',
        'DATABASE_URL_FILE',
        'LOCAL_CA_CERT_FILE',
      ]);
      for (const name of looked) {
        assert.ok(
          name in processEnv || leftToDefaults.has(name),
          `the app reads ${name}: set it in docker-compose.yml (and .env.example) or list it here`,
        );
      }
    });

    it('reaches PostgreSQL with the postgres service’s own user, password file and database', () => {
      const url = new URL(env.DATABASE_URL);
      const pg = service('postgres').environment ?? {};
      expect(url.protocol).toBe('postgres:');
      expect(url.hostname).toBe('postgres');
      expect(url.port).toBe('5432');
      expect(url.username).toBe(pg.POSTGRES_USER);
      expect(url.password).toBe('');
      expect(readFileSync(local(env.DATABASE_PASSWORD_FILE), 'utf8')).toBe(
        readFileSync(local(pg.POSTGRES_PASSWORD_FILE), 'utf8'),
      );
      expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
      const shared = (service('app').networks ?? []).filter((n) =>
        (service('postgres').networks ?? []).includes(n),
      );
      assert.ok(shared.length > 0, 'app and postgres share a network');
    });

    it('trusts proxy headers from the network it shares with Caddy only', () => {
      const shared = (service('app').networks ?? []).filter((n) =>
        (service('caddy').networks ?? []).includes(n),
      );
      expect(shared.length).toBe(1);
      const subnet = compose.networks[shared[0]]?.ipam?.config[0]?.subnet;
      expect(env.TRUST_PROXY).toBe(subnet);
      expect(env.TRUST_PROXY).toBe('172.30.57.0/24');
      assert.ok(
        !(service('app').ports ?? []).length,
        'the app publishes no port: only Caddy reaches it',
      );
      assert.ok(!(service('postgres').ports ?? []).length, 'PostgreSQL publishes no port');
    });

    it('hands out TURN and STUN URLs that point at coturn on the detected address', () => {
      const port = turnConf().get('listening-port')?.[0];
      expect(port).toBe('3478');
      const generated = generatedEnv('app');
      const urls = generated.TURN_URLS.split(',');
      assert.ok(urls.includes(`turn:192.168.1.20:${port}?transport=udp`), generated.TURN_URLS);
      for (const url of urls) {
        const transport = /^turn:192\.168\.1\.20:3478\?transport=(udp|tcp)$/.exec(url)?.[1];
        assert.ok(transport, url);
        assert.ok(
          (service('coturn').ports ?? []).includes(`${port}:${port}/${transport}`),
          `coturn publishes ${port}/${transport}`,
        );
      }
      expect(generated.STUN_URLS).toBe(`stun:192.168.1.20:${port}`);
    });
  });

  describe('coturn', () => {
    const coturn = service('coturn');
    const env = coturn.environment ?? {};
    const conf = turnConf();

    it('checks credentials with the same secret the app signs them with', () => {
      const generated = generatedEnv('coturn');
      const appFile = service('app').environment?.TURN_SECRET_FILE ?? '';
      expect(readFileSync(local(generated.TURN_SECRET_FILE), 'utf8')).toBe(
        readFileSync(local(appFile), 'utf8'),
      );
      // Two copies of one secret: each readable by its own service's user only.
      expect(generated.TURN_SECRET_FILE).not.toBe(appFile);
      expect(conf.get('use-auth-secret')).toStrictEqual(['']);
      assert.equal(conf.get('static-auth-secret'), undefined, 'no secret in the committed file');
      expect(env.TURN_SECRET).toBe(undefined);
    });

    it('fills deploy/turnserver.conf through with-env.sh and coturn-entrypoint.sh from the setup step', () => {
      expect(coturn.entrypoint).toStrictEqual([
        '/bin/sh',
        '/etc/coturn/with-env.sh',
        `${SETUP_MOUNT}/coturn/coturn.env`,
        '/bin/sh',
        '/etc/coturn/coturn-entrypoint.sh',
      ]);
      const volumes = coturn.volumes ?? [];
      assert.ok(
        volumes.includes('./deploy/coturn-entrypoint.sh:/etc/coturn/coturn-entrypoint.sh:ro'),
      );
      assert.ok(volumes.includes('./deploy/with-env.sh:/etc/coturn/with-env.sh:ro'));
      assert.ok(volumes.includes(`./deploy/turnserver.conf:${env.TURNSERVER_TEMPLATE}:ro`));
      // Run both scripts as the container would, with compose's environment and the setup step's
      // coturn.env (its paths mapped to the temp volume), /bin/echo in place of turnserver.
      const dir = mkdtempSync(join(tmpdir(), 'dialtone-compose-'));
      try {
        const config = join(dir, 'turnserver.conf');
        const envFile = join(dir, 'coturn.env');
        writeFileSync(
          envFile,
          readFileSync(join(setupDir, 'coturn', 'coturn.env'), 'utf8').replaceAll(
            `${SETUP_MOUNT}/`,
            `${setupDir}/`,
          ),
        );
        const printed = execFileSync(
          '/bin/sh',
          [
            join(ROOT, 'deploy/with-env.sh'),
            envFile,
            '/bin/sh',
            join(ROOT, 'deploy/coturn-entrypoint.sh'),
          ],
          {
            env: {
              ...env,
              PATH: '/usr/bin:/bin',
              TURNSERVER_TEMPLATE: join(ROOT, 'deploy/turnserver.conf'),
              TURNSERVER_CONFIG: config,
              TURNSERVER_BIN: '/bin/echo',
            },
            encoding: 'utf8',
          },
        );
        expect(printed.trim()).toBe(`-c ${config}`);
        const filled = readFileSync(config, 'utf8').split('\n');
        const secret = readFileSync(join(setupDir, 'generated', 'turn_secret'), 'utf8');
        assert.ok(filled.includes(`static-auth-secret=${secret}`));
        assert.ok(filled.includes('realm=192.168.1.20'));
        assert.ok(filled.includes('external-ip=192.168.1.20'), 'external-ip is the host');
        // The LAN, split around the host itself: the relay reaches the phones, not this machine.
        const allowed = filled
          .filter((line) => line.startsWith('allowed-peer-ip='))
          .map((line) => line.slice('allowed-peer-ip='.length));
        expect(allowed).toStrictEqual(['192.168.1.0-192.168.1.19', '192.168.1.21-192.168.1.255']);
        assert.ok(!inRanges('192.168.1.20', allowed), 'the host is never allowed');
        for (const phone of ['192.168.1.2', '192.168.1.19', '192.168.1.21', '192.168.1.254']) {
          assert.ok(inRanges(phone, allowed), `${phone} is reachable`);
        }
        // Setting both the secret and its file is refused.
        assert.throws(() =>
          execFileSync('/bin/sh', [join(ROOT, 'deploy/coturn-entrypoint.sh')], {
            env: {
              PATH: '/usr/bin:/bin',
              TURN_SECRET: 'x'.repeat(32),
              TURN_SECRET_FILE: local(`${SETUP_MOUNT}/coturn/turn_secret`),
              TURN_REALM: 'h',
              TURNSERVER_BIN: '/bin/echo',
              TURNSERVER_CONFIG: config,
              TURNSERVER_TEMPLATE: join(ROOT, 'deploy/turnserver.conf'),
            },
            stdio: 'ignore',
          }),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('passes TURN_EXTERNAL_IP and TURN_ALLOWED_PEER_IPS from .env on to the setup step', () => {
      const overridden = interpolateTree(raw, {
        TURN_EXTERNAL_IP: '198.51.100.7',
        TURN_ALLOWED_PEER_IPS: '192.168.7.0-192.168.7.9',
      }) as unknown as ComposeFile;
      expect(overridden.services.setup.environment?.TURN_EXTERNAL_IP).toBe('198.51.100.7');
      expect(overridden.services.setup.environment?.TURN_ALLOWED_PEER_IPS).toBe(
        '192.168.7.0-192.168.7.9',
      );
      expect(service('setup').environment?.TURN_ALLOWED_PEER_IPS).toBe('');
      expect(generatedEnv('coturn').TURN_REALM).toBe('192.168.1.20');
    });

    it('has the hardening flags and a documented relay range, published as UDP', () => {
      for (const flag of [
        'fingerprint',
        'no-cli',
        'no-multicast-peers',
        'no-tcp-relay',
        'no-tls',
        'no-dtls',
      ]) {
        assert.deepEqual(conf.get(flag), [''], flag);
      }
      const min = Number(conf.get('min-port')?.[0]);
      const max = Number(conf.get('max-port')?.[0]);
      assert.ok(
        max - min + 1 >= 150 && max - min + 1 <= 1000,
        `a few hundred relay ports, not ${max - min + 1}`,
      );
      expect(read('docs/deploy.md')).toContain(`${min}-${max}/udp`);
      assert.ok((coturn.ports ?? []).includes(`${min}-${max}:${min}-${max}/udp`));
      assert.ok(!(coturn.ports ?? []).some((p) => /\/tcp$/.test(p) && p.includes(String(min))));
    });

    it('limits each account, all allocations and their bandwidth', () => {
      const userQuota = Number(conf.get('user-quota')?.[0]);
      assert.ok(userQuota >= 2 && userQuota <= 4, `user-quota=${userQuota}`);
      const ports = Number(conf.get('max-port')?.[0]) - Number(conf.get('min-port')?.[0]) + 1;
      const totalQuota = Number(conf.get('total-quota')?.[0]);
      assert.ok(totalQuota > 0 && totalQuota <= ports, `total-quota=${totalQuota}, ${ports} ports`);
      // Far more accounts than the four that once held every port are needed to fill the range.
      assert.ok(Math.ceil(totalQuota / userQuota) >= 40);
      const maxBps = Number(conf.get('max-bps')?.[0]);
      const capacity = Number(conf.get('bps-capacity')?.[0]);
      // A 720p call needs about 1.5 Mbit/s; a session gets a few Mbit/s, never unlimited.
      assert.ok(maxBps >= 250_000 && maxBps <= 1_250_000, `max-bps=${maxBps}`);
      assert.ok(capacity >= 10 * maxBps, `bps-capacity=${capacity}`);
    });

    it('denies private, loopback, link-local and Docker ranges, the compose networks included', () => {
      const denied = conf.get('denied-peer-ip') ?? [];
      const [webFirst, webLast] = cidrFirstLast(
        compose.networks.web?.ipam?.config[0]?.subnet ?? '',
      );
      for (const ip of [
        '10.0.0.1',
        '10.255.255.254',
        '100.64.0.1',
        '127.0.0.1',
        '127.1.2.3',
        '169.254.169.254',
        '172.16.0.1',
        '172.17.0.1',
        '172.31.255.254',
        webFirst,
        webLast,
        '192.168.1.20',
        '0.0.0.0',
        '::1',
        'fe80::1',
        'fd00::1',
        '::ffff:127.0.0.1',
        '::7f00:1', // IPv4-compatible 127.0.0.1
        '::a00:1', // IPv4-compatible 10.0.0.1
        '::ffff:0:7f00:1', // IPv4-translated 127.0.0.1
        '::ffff:0:a9fe:a9fe', // IPv4-translated 169.254.169.254
        '64:ff9b::a9fe:a9fe', // NAT64 169.254.169.254
        '64:ff9b:1::a00:1', // local-use NAT64
        '64:ff9b:1:ffff::1',
        '2001:db8::1', // documentation
        '2001:db8:ffff::1',
      ]) {
        assert.ok(inRanges(ip, denied), `${ip} is denied`);
      }
      for (const ip of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888']) {
        assert.ok(!inRanges(ip, denied), `${ip} (public) stays allowed`);
      }
      expect(conf.get('allow-loopback-peers')).toBe(undefined);
      // coturn shares no network with the app or the database.
      for (const other of ['app', 'postgres']) {
        const shared = (coturn.networks ?? []).filter((n) =>
          (service(other).networks ?? []).includes(n),
        );
        assert.deepEqual(shared, [], `coturn and ${other} share no network`);
      }
    });
  });

  describe('scale-out (issue 11)', () => {
    it('runs two app instances: app2 is app (extends) with a data volume of its own', () => {
      const app2 = service('app2');
      expect(app2.extends).toStrictEqual({ service: 'app' });
      expect(Object.keys(app2).sort()).toStrictEqual(['extends', 'volumes']);
      expect(app2.volumes).toStrictEqual(['app2_data:/data']);
      assert.ok('app2_data' in compose.volumes);
    });

    it('shares state through a private Redis that keeps it on disk (AOF)', () => {
      const redis = service('redis');
      expect(redis.image ?? '').toMatch(/^redis:7(\.|$|-)/);
      const command = (redis.command ?? []).join(' ');
      expect(command).toMatch(/--appendonly yes/);
      expect(command).toMatch(/--appendfsync everysec/);
      expect(redis.volumes).toStrictEqual(['redis_data:/data']);
      // On the internal network with the app and PostgreSQL only; nothing published.
      expect(redis.networks).toStrictEqual(['db']);
      expect(redis.ports).toBeUndefined();
      expect(healthcheckCommand(redis)).toBe('CMD redis-cli ping');
      const url = new URL(service('app').environment?.REDIS_URL ?? '');
      expect([url.protocol, url.hostname, url.port]).toStrictEqual(['redis:', 'redis', '6379']);
    });

    it('balances WebSockets by open connections and actively checks each instance’s /health', () => {
      const caddyfile = read('deploy/Caddyfile');
      const block = /reverse_proxy \{\$DIALTONE_UPSTREAM:app:3000\} \{([^}]*)\}/.exec(caddyfile);
      assert.ok(block, 'reverse_proxy has a block of options');
      const options = block[1]
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
      expect(options).toStrictEqual([
        'lb_policy least_conn',
        'health_uri /health',
        'health_interval 2s',
        'health_timeout 2s',
        'health_status 200',
        'lb_try_duration 1s',
      ]);
    });
  });

  describe('caddy', () => {
    const caddy = service('caddy');
    const caddyfile = read('deploy/Caddyfile');

    it('proxies to both instances’ port, with the WebSocket upgrade that reverse_proxy carries', () => {
      const upstreams = (caddy.environment?.DIALTONE_UPSTREAM ?? '').split(' ');
      expect(upstreams.map((upstream) => upstream.split(':')[0])).toStrictEqual(['app', 'app2']);
      for (const upstream of upstreams) {
        const port = upstream.split(':')[1];
        expect(port).toBe(service('app').environment?.PORT);
        assert.ok((service('app').expose ?? []).includes(port));
      }
      expect(caddyfile).toMatch(/^\s*reverse_proxy \{\$DIALTONE_UPSTREAM:app:3000\} \{$/m);
      assert.doesNotMatch(
        caddyfile,
        /header_up\s+-?(Connection|Upgrade)/i,
        'upgrade headers untouched',
      );
    });

    it('serves HTTPS on 443 from the setup step’s root CA for the detected address, and /trust on 80', () => {
      expect(caddy.environment?.DIALTONE_HOST).toBe(undefined);
      expect(caddy.command?.slice(-2)).toStrictEqual([
        '--envfile',
        `${SETUP_MOUNT}/caddy/caddy.env`,
      ]);
      const generated = generatedEnv('caddy');
      expect(generated).toStrictEqual({
        DIALTONE_HOST: '192.168.1.20',
        DIALTONE_TLS: 'internal',
        DIALTONE_HTTP_PORT: '80',
        DIALTONE_HTTPS_PORT: '443',
        DIALTONE_CA_CERT: `${SETUP_MOUNT}/ca/root.crt`,
        DIALTONE_CA_KEY: `${SETUP_MOUNT}/ca/root.key`,
      });
      assert.ok((caddy.ports ?? []).includes('443:443/tcp'));
      assert.ok((caddy.ports ?? []).includes('80:80/tcp'));
      expect(caddyfile).toMatch(/^\{\$DIALTONE_HOST\} \{$/m);
      expect(caddyfile).toMatch(/^\s*tls \{\$DIALTONE_TLS:internal\}$/m);
      expect(caddyfile).toMatch(/^\s*default_sni \{\$DIALTONE_HOST\}$/m);
      expect(caddyfile).toMatch(/^\s*cert \{\$DIALTONE_CA_CERT\}$/m);
      expect(caddyfile).toMatch(/^\s*key \{\$DIALTONE_CA_KEY\}$/m);
      expect(caddyfile).toMatch(/^\s*https_port \{\$DIALTONE_HTTPS_PORT:443\}$/m);
      expect(caddyfile).toMatch(/^\s*http_port \{\$DIALTONE_HTTP_PORT:80\}$/m);
      expect(caddyfile).toMatch(/^\s*@trust path \/trust \/trust\/\*$/m);
      expect(caddyfile).not.toMatch(/auto_https\s+(off|disable_redirects)/);
      const volumes = caddy.volumes ?? [];
      assert.ok(volumes.includes('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro'));
      assert.ok(volumes.includes('caddy_data:/data'), 'the certificates survive restarts');
      // A port changed in .env is published and listened on alike.
      const moved = interpolateTree(raw, { DIALTONE_HTTPS_PORT: '8443' }) as unknown as ComposeFile;
      assert.ok((moved.services.caddy.ports ?? []).includes('8443:8443/tcp'));
      expect(moved.services.setup.environment?.DIALTONE_HTTPS_PORT).toBe('8443');
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = read('Dockerfile');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const final = stages.at(-1) ?? '';

    it('builds in stages on node:24-bookworm-slim (Active LTS) and keeps the toolchain out of the runtime', () => {
      expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
      assert.ok(stages.length >= 2, 'multi-stage');
      expect(dockerfile).toMatch(/python3 make g\+\+/);
      expect(final).not.toMatch(/apt-get|g\+\+|python3/);
      expect(dockerfile).toMatch(/npm ci --omit=dev/);
      expect(final).toMatch(/COPY --from=prod-deps \/app\/node_modules/);
    });

    it('runs as a non-root user with DATA_DIR on a volume and a node-based HEALTHCHECK', () => {
      const user = /^USER (\S+)$/m.exec(final)?.[1];
      assert.ok(user !== undefined && user !== 'root' && user !== '0', `USER ${user}`);
      expect(final).toMatch(/DATA_DIR=\/data/);
      expect(final).toMatch(/^VOLUME \["\/data"\]$/m);
      expect(final).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "-e", "fetch\(.*\/health'\)/m);
      expect(final).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    });

    it('keeps secrets and local state out of the build context', () => {
      const ignored = read('.dockerignore').split('\n');
      for (const entry of ['.env', '**/node_modules', 'dist', 'data', '.git']) {
        assert.ok(ignored.includes(entry), `.dockerignore has ${entry}`);
      }
    });
  });
});
