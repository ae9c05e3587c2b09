import 'reflect-metadata';
import { createApp } from './app.setup.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';

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
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // Printed whatever the log level, so `npm start` always says where to go.
  console.log(`Dialtone listening on ${await app.getUrl()} (${config.database.type})`);
}

void bootstrap();
