import 'reflect-metadata';
import type { Logger } from 'pino';
import { createApp } from './app.setup.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { createRootLogger } from './logging/root-logger.js';
import { RedisConnection, RedisUnavailableError } from './redis/redis-connection.js';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createRootLogger(config.logging);
  if (config.redis) {
    await requireRedis(config.redis.url, logger);
  }
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host);
  // Written whatever LOG_LEVEL says, so that `npm start` always says where to go (and the test
  // and bench scripts, which wait for "listening on", know it is ready) in either LOG_FORMAT.
  const url = await app.getUrl();
  logger
    .child({ context: 'Main' }, { level: 'info' })
    .info(
      { url, database: config.database.type },
      `Dialtone listening on ${url} (${config.database.type})`,
    );
}

/**
 * With REDIS_URL an instance never serves without Redis (it would be a second, separate
 * Dialtone): unreachable at start, it exits with a message naming REDIS_URL.
 */
async function requireRedis(url: string, logger: Logger): Promise<void> {
  const probe = new RedisConnection(url);
  try {
    await probe.connect();
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      logger.fatal({ context: 'Main' }, error.message);
      process.exit(1);
    }
    throw error;
  }
  await probe.close();
}

void bootstrap();
