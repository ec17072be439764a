import 'reflect-metadata';

import { startApplication } from './app/application.js';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { createLogger } from './platform/logging/logger.js';
import { ShutdownCoordinator } from './platform/lifecycle/shutdown.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger({ level: config.log.level, role: config.roles.join(',') });
  const app = await startApplication(config, { logger });
  const shutdown = new ShutdownCoordinator(logger, config.shutdown.graceMs);
  shutdown.register('application', () => app.close());
  shutdown.listen();
  if (app.plan.gateway && app.url) logger.info(`Glimpse is ready on ${app.url}`);
}

main().catch((err: unknown) => {
  console.error('Glimpse failed to start:', err);
  process.exit(1);
});
