import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createGatewayApp } from '../gateway/gateway.app.js';
import { hasRole, type Config } from '../platform/config/config.js';
import { resolveJwtSecret } from '../platform/config/secrets.js';
import { IdGenerator } from '../platform/ids/snowflake.js';
import { resolveWorkerId } from '../platform/ids/worker-id.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { createMetrics, type Metrics } from '../platform/metrics/metrics.js';
import { OutboxRelay } from '../platform/outbox/outbox.relay.js';
import { AccessTokens } from '../platform/security/access-tokens.js';
import { migrate } from '../platform/sql/migrator.js';
import { setupTracing } from '../platform/telemetry/tracing.js';
import { openInfrastructure, type Infrastructure } from './infrastructure.js';
import { createServices } from './services.js';

export const VERSION = '0.1.0';

export interface RunningApplication {
  /** Where the gateway listens, when this process runs it. */
  url: string | undefined;
  infrastructure: Infrastructure;
  metrics: Metrics;
  logger: Logger;
  /** Stops taking requests, drains in-flight ones, then closes every port. Idempotent. */
  close(): Promise<void>;
}

/** Roles that run inside this process; gRPC between processes arrives with the distributed shape. */
function assertSupportedRoles(config: Config): void {
  const needsLocalServices = hasRole(config, 'gateway');
  if (needsLocalServices && !(hasRole(config, 'auth') && hasRole(config, 'user'))) {
    throw new Error(
      'ROLES: the gateway currently needs the auth and user roles in the same process (use ROLES=all)',
    );
  }
}

/**
 * Starts the roles this process runs, on the infrastructure the configuration names. The
 * same code path serves `npm start` (everything, embedded) and each distributed role.
 */
export async function startApplication(
  config: Config,
  options: { logger?: Logger } = {},
): Promise<RunningApplication> {
  assertSupportedRoles(config);
  const logger = options.logger ?? createLogger({ level: config.log.level, role: config.roles.join(',') });
  const tracing = setupTracing({ serviceName: 'glimpse', exporter: config.tracing.exporter });
  const metrics = createMetrics();
  const infrastructure = await openInfrastructure(config, logger);
  const closers: Array<() => Promise<void>> = [() => infrastructure.close(), () => tracing.shutdown()];
  const close = once(async () => {
    for (const closer of closers) {
      await closer().catch((err: unknown) => logger.warn({ err }, 'error while closing'));
    }
  });

  try {
    const applied = await migrate(infrastructure.sql);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');

    const ids = new IdGenerator(resolveWorkerId(config.workerId));
    const accessTokens = new AccessTokens({
      secret: await resolveJwtSecret(config),
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    });
    const services = createServices({ config, sql: infrastructure.sql, ids, accessTokens });

    if (hasRole(config, 'outbox-relay')) {
      const relay = new OutboxRelay({
        sql: infrastructure.sql,
        bus: infrastructure.bus,
        pollIntervalMs: config.outbox.pollIntervalMs,
        onError: (err) => logger.warn({ err }, 'outbox relay cycle failed; events stay queued'),
        onPublished: (count) => metrics.outboxPublishedTotal.inc(count),
      });
      relay.start();
      closers.unshift(() => relay.stop());
    }

    let url: string | undefined;
    if (hasRole(config, 'gateway')) {
      const gateway: NestFastifyApplication = await createGatewayApp({
        auth: services.auth,
        users: services.users,
        cache: infrastructure.cache,
        verifier: accessTokens,
        logger,
        healthChecks: infrastructure.healthChecks,
        metricsRegistry: metrics.registry,
        httpMetrics: {
          observe: (method, route, status, seconds) => {
            const labels = { method, route, status: String(status) };
            metrics.httpRequestsTotal.inc(labels);
            metrics.httpRequestDurationSeconds.observe(labels, seconds);
          },
        },
        bodyLimitBytes: config.http.bodyLimitBytes,
        corsOrigins: config.http.corsOrigins,
        rateLimitMultiplier: config.rateLimit.multiplier,
        version: VERSION,
      });
      await gateway.listen({ host: config.http.host, port: config.http.port });
      // Closing the gateway first stops new requests and waits for in-flight ones.
      closers.unshift(() => gateway.close());
      const address = gateway.getHttpServer().address();
      url = typeof address === 'object' && address ? `http://${config.http.host}:${address.port}` : undefined;
    }

    logger.info({ roles: config.roles, url, infrastructure: infrastructure.describe }, 'glimpse started');
    return { url, infrastructure, metrics, logger, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
