import type { DatabaseConfig } from './database-config.js';
import { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the instances of one deployment share their signaling state. */
export interface RedisConfig {
  /** redis:// or rediss:// URL, credentials included. */
  readonly url: string;
  /** Every key and channel starts with this, so that deployments can share one Redis. */
  readonly keyPrefix: string;
}

/**
 * REDIS_URL (unset: one process, everything in memory) and REDIS_KEY_PREFIX. Several instances
 * must also share one database, which SQLite (a file of one process) cannot be: REDIS_URL without
 * a PostgreSQL DATABASE_URL stops the server.
 */
export function redisConfig(env: Env, database: DatabaseConfig): RedisConfig | undefined {
  const url = env.REDIS_URL;
  if (!url) {
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname) {
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL with a host');
  }
  if (database.type !== 'postgres') {
    throw new ConfigError(
      'REDIS_URL',
      'needs PostgreSQL: every instance must share one database, so set DATABASE_URL to a ' +
        "postgres:// URL (SQLite is one process's file)",
    );
  }
  const keyPrefix = env.REDIS_KEY_PREFIX ?? 'dialtone:';
  if (!/^[\w.:-]{1,64}$/.test(keyPrefix)) {
    throw new ConfigError(
      'REDIS_KEY_PREFIX',
      'must be 1-64 characters of letters, digits, _ . : -',
    );
  }
  return { url, keyPrefix };
}
