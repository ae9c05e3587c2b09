import 'reflect-metadata';
import { createApp } from './app.setup.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { createRootLogger } from './logging/root-logger.js';
import { SignalingEngineModule } from './signaling/engines/engine.module.js';

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
  await SignalingEngineModule.preflight(config, logger);
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

void bootstrap();
