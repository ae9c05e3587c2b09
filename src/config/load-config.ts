import { X509Certificate } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import {
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type LogSettings,
} from '../logging/log-settings.js';
import { AppConfig, TrustProxy } from './app-config.js';
import type { DatabaseConfig } from './database-config.js';
import { ConfigError } from './config-error.js';
import { withFileVariables } from './file-variables.js';
import { defaultMaxSockets, MIN_DESCRIPTOR_RESERVE, openFileLimit } from './file-limit.js';
import { developmentJwtSecret } from './jwt-secret.js';
import {
  DEFAULT_PUSH_ENDPOINTS,
  type EndpointPattern,
  parseEndpointPatterns,
} from '../push/endpoint-allowlist.js';
import { redisConfig } from './redis-config.js';
import { vapidKeys } from './vapid-keys.js';

type Env = Readonly<Record<string, string | undefined>>;

const MIN_SECRET_BYTES = 32;
const MIN_METRICS_TOKEN_LENGTH = 24;
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Reads and validates the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(plainEnv: Env): AppConfig {
  // JWT_SECRET_FILE and friends become JWT_SECRET etc. first, so both are validated alike.
  const env = withFileVariables(plainEnv);
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError('NODE_ENV', 'must be development, production or test');
  }
  const production = nodeEnv === 'production';
  const dataDir = resolve(env.DATA_DIR || './data');
  const publicOrigin = optionalOrigin(env, 'PUBLIC_URL');
  return {
    production,
    port: integer(env, 'PORT', 3000, 0, 65535),
    logging: logging(env, nodeEnv),
    host: env.HOST || '0.0.0.0',
    dataDir,
    database: database(env, dataDir),
    redis: redisConfig(env, database(env, dataDir)),
    jwt: {
      secret: jwtSecret(env, production, dataDir),
      ttlSeconds: duration(env, 'JWT_TTL', 24 * 3600),
      issuer: publicOrigin ?? 'dialtone',
      audience: 'dialtone',
    },
    trustProxy: trustProxy(env),
    publicOrigin,
    allowedOrigins: list(env, 'ALLOWED_ORIGINS').map((value) => origin('ALLOWED_ORIGINS', value)),
    ice: {
      stunUrls: iceUrls(env, 'STUN_URLS', /^stuns?:/),
      turnUrls: iceUrls(env, 'TURN_URLS', /^turns?:/),
      turnSecret: turnSecret(env),
      turnTtlSeconds: duration(env, 'TURN_TTL', 3600),
    },
    accounts: {
      loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
      loginLockoutSeconds: duration(env, 'LOGIN_LOCKOUT', 15 * 60),
      ratePerAddress: integer(env, 'AUTH_RATE_PER_ADDRESS', 20, 1, 1_000_000),
      rateGlobal: integer(env, 'AUTH_RATE_GLOBAL', 600, 1, 10_000_000),
      // argon2 runs on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise).
      hashConcurrency: integer(env, 'PASSWORD_HASH_CONCURRENCY', defaultHashConcurrency(), 1, 64),
      hashQueueLength: integer(env, 'PASSWORD_HASH_QUEUE', 32, 0, 100_000),
    },
    history: {
      maxPerUser: integer(env, 'HISTORY_MAX_PER_USER', 500, 1, 1_000_000),
      mergeWindowMs: duration(env, 'HISTORY_MERGE_WINDOW', 3600) * 1000,
    },
    privacy: {
      searchesPerMinute: integer(env, 'DIRECTORY_SEARCH_RATE', 30, 1, 1_000_000),
      contactRequestsPerMinute: integer(env, 'CONTACT_REQUEST_RATE', 10, 1, 1_000_000),
      maxContacts: integer(env, 'MAX_CONTACTS', 1000, 1, 100_000),
      usernameCoolingOffSeconds: duration(env, 'USERNAME_COOLING_OFF', 30 * 86400),
    },
    metrics: { token: metricsToken(env, production) },
    localCa: localCa(env),
    push: {
      vapid: vapidKeys(env, production, dataDir),
      allowedEndpoints: pushEndpoints(env),
      maxSubscriptions: integer(env, 'PUSH_MAX_SUBSCRIPTIONS', 10, 1, 1000),
      sendTimeoutMs: integer(env, 'PUSH_SEND_TIMEOUT_MS', 5000, 100, 60_000),
    },
    signaling: {
      maxSessionsPerUser: integer(env, 'MAX_SESSIONS_PER_USER', 5, 1, 100),
      revocationMaxStaleMs: integer(env, 'REVOCATION_MAX_STALE_MS', 3000, 300, 60_000),
      ringTimeoutMs: integer(env, 'RING_TIMEOUT_MS', 30_000, 100, 600_000),
      pingIntervalMs: integer(env, 'WS_PING_INTERVAL_MS', 25_000, 50, 600_000),
      maxBufferedBytes: integer(env, 'WS_MAX_BUFFERED_BYTES', 1024 * 1024, 64 * 1024, 2 ** 30),
      messageRate: integer(env, 'WS_MESSAGE_RATE', 50, 1, 100_000),
      messageBurst: integer(env, 'WS_MESSAGE_BURST', 200, 1, 1_000_000),
      sockets: sockets(env),
      callStarts: {
        perCallee: integer(env, 'CALL_STARTS_PER_CALLEE', 4, 1, 100_000),
        perCaller: integer(env, 'CALL_STARTS_PER_CALLER', 20, 1, 1_000_000),
        windowMs: duration(env, 'CALL_STARTS_WINDOW', 5 * 60) * 1000,
        cooldownMs: duration(env, 'CALL_COOLDOWN', 10) * 1000,
      },
      resume: {
        windowMs: integer(env, 'RESUME_WINDOW_MS', 30_000, 100, 600_000),
        bufferMessages: integer(env, 'RESUME_BUFFER_MESSAGES', 256, 1, 100_000),
        bufferBytes: integer(env, 'RESUME_BUFFER_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
        silenceMs: integer(env, 'WS_SILENCE_TIMEOUT_MS', 25_000, 100, 600_000),
        maxFailures: integer(env, 'RESUME_MAX_FAILURES', 10, 1, 10_000),
        failureWindowMs: integer(env, 'RESUME_FAILURE_WINDOW_MS', 300_000, 1000, 86_400_000),
      },
    },
  };
}

/**
 * What a socket costs before it is a session (docs/security.md, "Signaling"): the process-wide
 * cap, derived from the file limit unless WS_MAX_SOCKETS says otherwise, which may not leave
 * fewer than MIN_DESCRIPTOR_RESERVE descriptors for everything else.
 */
function sockets(env: Env): AppConfig['signaling']['sockets'] {
  const fileLimit = openFileLimit();
  const ceiling =
    fileLimit === undefined ? 10_000_000 : Math.max(1, fileLimit - MIN_DESCRIPTOR_RESERVE);
  const maxSockets = env.WS_MAX_SOCKETS
    ? integer(env, 'WS_MAX_SOCKETS', 0, 1, 10_000_000)
    : defaultMaxSockets(fileLimit);
  if (maxSockets > ceiling) {
    throw new ConfigError(
      'WS_MAX_SOCKETS',
      `must leave ${MIN_DESCRIPTOR_RESERVE} file descriptors for HTTP and the rest: at most ${ceiling} with this process's file limit of ${fileLimit} (ulimit -n), got "${env.WS_MAX_SOCKETS}"`,
    );
  }
  return {
    maxSockets,
    maxPendingPerUser: integer(env, 'WS_MAX_PENDING_PER_USER', 10, 1, 10_000),
    upgradesPerAddress: integer(env, 'WS_UPGRADES_PER_ADDRESS', 120, 1, 10_000_000),
    firstFrameMs: integer(env, 'WS_FIRST_FRAME_TIMEOUT_MS', 5_000, 100, 600_000),
  };
}

/**
 * JSON in production, readable lines otherwise. Tests (NODE_ENV=test) log warnings and errors
 * only, as before pino: their many requests would bury the test report in access lines.
 */
function logging(env: Env, nodeEnv: string): LogSettings {
  return {
    format: oneOf<LogFormat>(
      env,
      'LOG_FORMAT',
      LOG_FORMATS,
      nodeEnv === 'production' ? 'json' : 'pretty',
    ),
    level: oneOf<LogLevel>(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info'),
  };
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = allowed.find((candidate) => candidate === raw);
  if (value === undefined) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return value;
}

function defaultHashConcurrency(): number {
  return Math.min(4, availableParallelism());
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/** Seconds, written as a bare number or with a unit: 90, 15m, 24h, 7d. */
function duration(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const match = /^(\d+)([smhd]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : 0;
  if (seconds <= 0) {
    throw new ConfigError(
      name,
      `must be a positive duration such as 3600, 15m or 24h, got "${raw}"`,
    );
  }
  return seconds;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function origin(name: string, value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      return url.origin;
    }
  } catch {
    // reported below with the variable's name
  }
  throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
}

function optionalOrigin(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw ? origin(name, raw) : undefined;
}

function database(env: Env, dataDir: string): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (env.DATABASE_PASSWORD && !/^postgres(ql)?:\/\//.test(url ?? '')) {
    throw new ConfigError('DATABASE_PASSWORD', 'needs a postgres:// DATABASE_URL');
  }
  if (!url) {
    return { type: 'sqlite', path: join(dataDir, 'dialtone.sqlite') };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { type: 'postgres', url: withDatabasePassword(url, env.DATABASE_PASSWORD) };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return { type: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  throw new ConfigError('DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
}

/** DATABASE_PASSWORD (or its _FILE) replaces the password of the PostgreSQL URL, encoded. */
function withDatabasePassword(url: string, password: string | undefined): string {
  if (!password) {
    return url;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL');
  }
  parsed.password = password;
  return parsed.href;
}

/**
 * LOCAL_CA_CERT: the PEM root certificate of the local CA that signs the HTTPS certificate (the
 * compose setup step makes one for Caddy). Set, /trust offers it to phones; it must be a CA.
 */
function localCa(env: Env): AppConfig['localCa'] {
  const pem = env.LOCAL_CA_CERT;
  if (!pem) {
    return undefined;
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new ConfigError('LOCAL_CA_CERT', 'must be a PEM certificate');
  }
  if (!cert.ca) {
    throw new ConfigError('LOCAL_CA_CERT', 'must be a CA certificate (basicConstraints CA:TRUE)');
  }
  return { pem: cert.toString(), der: cert.raw, sha256: cert.fingerprint256 };
}

function jwtSecret(env: Env, production: boolean, dataDir: string): Buffer {
  const raw = env.JWT_SECRET;
  if (!raw) {
    if (production) {
      throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    }
    return developmentJwtSecret(dataDir);
  }
  const secret = Buffer.from(raw, 'utf8');
  if (secret.length < MIN_SECRET_BYTES) {
    throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (production && /change|example|secret|placeholder/i.test(raw)) {
    throw new ConfigError('JWT_SECRET', 'looks like a placeholder; generate a random one');
  }
  return secret;
}

/** Compared as a bearer token: long enough not to be guessed, and no placeholder in production. */
function metricsToken(env: Env, production: boolean): string | undefined {
  const token = env.METRICS_TOKEN || undefined;
  if (token === undefined) {
    return undefined;
  }
  if (token.length < MIN_METRICS_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(
      'METRICS_TOKEN',
      `must be at least ${MIN_METRICS_TOKEN_LENGTH} printable characters without spaces`,
    );
  }
  if (production && /change|example|secret|placeholder|token/i.test(token)) {
    throw new ConfigError('METRICS_TOKEN', 'looks like a placeholder; generate a random one');
  }
  return token;
}

/** PUSH_ALLOWED_ENDPOINTS replaces the default list of push services (it does not add to it). */
function pushEndpoints(env: Env): EndpointPattern[] {
  const entries = list(env, 'PUSH_ALLOWED_ENDPOINTS');
  try {
    return parseEndpointPatterns(entries.length > 0 ? entries : DEFAULT_PUSH_ENDPOINTS);
  } catch (error) {
    throw new ConfigError('PUSH_ALLOWED_ENDPOINTS', (error as Error).message);
  }
}

function trustProxy(env: Env): TrustProxy {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') {
    return false;
  }
  if (raw === 'true') {
    return true;
  }
  if (/^\d+$/.test(raw)) {
    return Number(raw);
  }
  const entries = list(env, 'TRUST_PROXY');
  for (const entry of entries) {
    if (!/^[\w.:/-]+$/.test(entry)) {
      throw new ConfigError('TRUST_PROXY', `has an invalid entry "${entry}"`);
    }
  }
  return entries;
}

function iceUrls(env: Env, name: string, scheme: RegExp): string[] {
  const urls = list(env, name);
  for (const url of urls) {
    if (!scheme.test(url)) {
      throw new ConfigError(
        name,
        `has "${url}", which does not start with ${scheme.source.slice(1)}`,
      );
    }
  }
  return urls;
}

function turnSecret(env: Env): string | undefined {
  const secret = env.TURN_SECRET || undefined;
  if (list(env, 'TURN_URLS').length > 0 && !secret) {
    throw new ConfigError('TURN_SECRET', 'is required when TURN_URLS is set');
  }
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('TURN_SECRET', 'must be at least 16 characters');
  }
  return secret;
}
