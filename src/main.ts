import 'reflect-metadata';
import { createApp } from './app.setup.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
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
  if (config.redis) {
    await requireRedis(config.redis.url);
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // Printed whatever the log level, so `npm start` always says where to go.
  console.log(`Dialtone listening on ${await app.getUrl()} (${config.database.type})`);
}

/**
 * With REDIS_URL an instance never serves without Redis (it would be a second, separate
 * Dialtone): unreachable at start, it exits with a message naming REDIS_URL.
 */
async function requireRedis(url: string): Promise<void> {
  const probe = new RedisConnection(url);
  try {
    await probe.connect();
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await probe.close();
}

void bootstrap();
