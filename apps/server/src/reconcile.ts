import { openInfrastructure } from './app/infrastructure.js';
import { planRoles } from './app/roles.js';
import { createServices } from './app/services.js';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { resolveJwtSecret } from './platform/config/secrets.js';
import { IdGenerator } from './platform/ids/snowflake.js';
import { resolveWorkerId } from './platform/ids/worker-id.js';
import { createLogger } from './platform/logging/logger.js';
import { createMetrics } from './platform/metrics/metrics.js';
import { AccessTokens } from './platform/security/access-tokens.js';

/**
 * `npm run reconcile`: compares the like and comment counters in Redis with PostgreSQL now,
 * repairs the ones that drifted, prints what it found and exits. The like and comment roles do
 * the same on their own every COUNTER_RECONCILE_SECONDS; this is the on-demand run.
 */
try {
  const config = loadConfig({ ...process.env, ROLES: 'like,comment' });
  if (!config.database.url || (!config.redis.url && !config.redis.clusterNodes)) {
    throw new ConfigError([
      {
        variable: 'DATABASE_URL',
        message:
          'reconcile repairs the Redis counters of a deployment on PostgreSQL and Redis: set DATABASE_URL and ' +
          'REDIS_URL (or REDIS_CLUSTER_NODES). On embedded infrastructure the server reconciles by itself.',
      },
    ]);
  }
  const logger = createLogger({ level: config.log.level, role: 'reconcile' });
  const plan = planRoles(config);
  const infrastructure = await openInfrastructure(config, logger, {
    ...plan.infrastructure,
    events: false,
    pubsub: false,
  });
  const services = createServices({
    config,
    plan,
    sql: infrastructure.sql,
    storage: undefined,
    cache: infrastructure.cache,
    bus: undefined,
    pubsub: undefined,
    ids: new IdGenerator(resolveWorkerId(config.workerId)),
    accessTokens: new AccessTokens({
      secret: await resolveJwtSecret(config),
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    }),
    logger,
    metrics: createMetrics(),
  });
  try {
    const [likes, comments] = await Promise.all([
      services.local.like?.reconcile({}),
      services.local.comment?.reconcile({}),
    ]);
    logger.info({ likes, comments }, 'counters reconciled');
    console.log(
      `likes: ${likes?.checked ?? 0} checked, ${likes?.drifted ?? 0} repaired (drift ${likes?.drift ?? 0}); ` +
        `comments: ${comments?.checked ?? 0} checked, ${comments?.drifted ?? 0} repaired (drift ${comments?.drift ?? 0})`,
    );
  } finally {
    services.close();
    await infrastructure.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
}
