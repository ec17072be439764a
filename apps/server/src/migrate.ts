import { openSql } from './app/infrastructure.js';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { createLogger } from './platform/logging/logger.js';
import { migrate } from './platform/sql/migrator.js';

/** `npm run migrate`: applies pending migrations to the configured database and exits. */
try {
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level, role: 'migrate' });
  const sql = await openSql(config, logger);
  try {
    const applied = await migrate(sql);
    logger.info(
      { applied, database: sql.dialect },
      applied.length ? 'migrations applied' : 'database is up to date',
    );
  } finally {
    await sql.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
}
