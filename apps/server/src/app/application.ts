import { fileURLToPath } from 'node:url';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { AnalyticsServiceDefinition } from '../generated/glimpse/analytics/v1/analytics.js';
import { AuthServiceDefinition } from '../generated/glimpse/auth/v1/auth.js';
import { CommentServiceDefinition } from '../generated/glimpse/comment/v1/comment.js';
import { FeedServiceDefinition } from '../generated/glimpse/feed/v1/feed.js';
import { LikeServiceDefinition } from '../generated/glimpse/like/v1/like.js';
import { MediaServiceDefinition } from '../generated/glimpse/media/v1/media.js';
import { NotificationServiceDefinition } from '../generated/glimpse/notification/v1/notification.js';
import { PostServiceDefinition } from '../generated/glimpse/post/v1/post.js';
import { UserServiceDefinition } from '../generated/glimpse/user/v1/user.js';
import { createGatewayApp } from '../gateway/gateway.app.js';
import type { Config } from '../platform/config/config.js';
import { resolveJwtSecret } from '../platform/config/secrets.js';
import { GrpcServer } from '../platform/grpc/grpc-server.js';
import { createOpsApp } from '../platform/health/ops.app.js';
import { IdGenerator } from '../platform/ids/snowflake.js';
import { resolveWorkerId } from '../platform/ids/worker-id.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { createMetrics, type Metrics } from '../platform/metrics/metrics.js';
import { OutboxRelay } from '../platform/outbox/outbox.relay.js';
import { AccessTokens } from '../platform/security/access-tokens.js';
import { migrate } from '../platform/sql/migrator.js';
import { setupTracing } from '../platform/telemetry/tracing.js';
import { startBackgroundJobs } from './background-jobs.js';
import { startConsumers } from './consumers.js';
import { openInfrastructure, type Infrastructure } from './infrastructure.js';
import { planRoles, type RolePlan, type ServiceRole } from './roles.js';
import { createServices, type Services } from './services.js';
import { VERSION } from '../platform/version.js';

export interface RunningApplication {
  /** The HTTP address: the gateway's, or the operations endpoints' of a process without one. */
  url: string | undefined;
  /** gRPC ports this process serves, by service role. */
  grpcPorts: Partial<Record<ServiceRole, number>>;
  plan: RolePlan;
  infrastructure: Infrastructure;
  metrics: Metrics;
  /** The service contracts as this process reaches them (for operational tasks and tests). */
  services: Services;
  logger: Logger;
  /** Stops taking requests, drains in-flight ones, then closes every port. Idempotent. */
  close(): Promise<void>;
}

/** apps/web/dist, from apps/server/{src,dist}/app alike. */
const WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is needed by this process's roles but was not set up`);
  return value;
}

async function startGateway(
  config: Config,
  services: Services,
  infrastructure: Infrastructure,
  accessTokens: AccessTokens,
  metrics: Metrics,
  logger: Logger,
): Promise<NestFastifyApplication> {
  return createGatewayApp({
    auth: required(services.auth, 'the auth service'),
    users: required(services.users, 'the user service'),
    media: required(services.media, 'the media service'),
    posts: required(services.posts, 'the post service'),
    feed: required(services.feed, 'the feed service'),
    likes: required(services.likes, 'the like service'),
    comments: required(services.comments, 'the comment service'),
    notifications: required(services.notifications, 'the notification service'),
    analytics: required(services.analytics, 'the analytics service'),
    notificationStreaming: {
      pubsub: required(infrastructure.pubsub, 'pub/sub'),
      heartbeatMs: config.notifications.streamHeartbeatSeconds * 1000,
      maxStreamsPerUser: config.notifications.maxStreamsPerUser,
      logger,
    },
    storage: required(infrastructure.storage, 'object storage'),
    mediaMaxBytes: config.media.maxBytes,
    mediaUploadUrlTtlSeconds: config.media.uploadUrlTtlSeconds,
    cache: required(infrastructure.cache, 'the cache'),
    verifier: accessTokens,
    logger,
    healthChecks: [...infrastructure.healthChecks, ...services.healthChecks],
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
    webRoot: WEB_ROOT,
  });
}

/**
 * Starts the roles this process runs, on the infrastructure the configuration names. The
 * same code path serves `npm start` (every role, embedded) and each process of the
 * distributed shape (one role each, gRPC between them).
 */
export async function startApplication(
  config: Config,
  options: { logger?: Logger } = {},
): Promise<RunningApplication> {
  const plan = planRoles(config);
  const logger = options.logger ?? createLogger({ level: config.log.level, role: config.roles.join(',') });
  const tracing = setupTracing({
    serviceName: `glimpse-${config.roles.join('-')}`,
    exporter: config.tracing.exporter,
  });
  const metrics = createMetrics();
  const infrastructure = await openInfrastructure(config, logger, plan.infrastructure);
  // Closed in order: first what takes requests (so in-flight ones drain), then what they use.
  const closers: Array<() => Promise<void>> = [() => infrastructure.close(), () => tracing.shutdown()];
  const close = once(async () => {
    for (const closer of closers) {
      await closer().catch((err: unknown) => logger.warn({ err }, 'error while closing'));
    }
  });

  try {
    if (infrastructure.sql) {
      const applied = await migrate(infrastructure.sql);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }

    const ids = new IdGenerator(resolveWorkerId(config.workerId));
    const accessTokens = new AccessTokens({
      secret: await resolveJwtSecret(config),
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    });
    const services = createServices({
      config,
      plan,
      sql: infrastructure.sql,
      storage: infrastructure.storage,
      cache: infrastructure.cache,
      bus: infrastructure.bus,
      pubsub: infrastructure.pubsub,
      ids,
      accessTokens,
      logger,
      metrics,
    });
    closers.unshift(() => {
      services.close();
      return Promise.resolve();
    });

    if (plan.outboxRelay) {
      const relay = new OutboxRelay({
        sql: required(infrastructure.sql, 'the database'),
        bus: required(infrastructure.bus, 'the event bus'),
        pollIntervalMs: config.outbox.pollIntervalMs,
        onError: (err) => logger.warn({ err }, 'outbox relay cycle failed; events stay queued'),
        onPublished: (_count, byTopic) => {
          for (const [topic, count] of byTopic) metrics.outboxPublishedTotal.inc({ topic }, count);
        },
      });
      relay.start();
      closers.unshift(() => relay.stop());
    }

    const subscriptions = await startConsumers({
      config,
      plan,
      bus: infrastructure.bus,
      sql: infrastructure.sql,
      storage: infrastructure.storage,
      cache: infrastructure.cache,
      services,
      ids,
      metrics,
      logger,
    });
    // Closed before the services they call: a handler in progress finishes, none starts.
    closers.unshift(async () => {
      for (const subscription of subscriptions) await subscription.close();
    });

    const stopJobs = startBackgroundJobs({ config, services, sql: infrastructure.sql, metrics, logger });
    closers.unshift(stopJobs);

    const grpcPorts: RunningApplication['grpcPorts'] = {};
    for (const role of plan.served) {
      const server = new GrpcServer({
        host: config.http.host,
        port: config.grpc.urls[role].port,
        logger,
        registry: metrics.registry,
      });
      if (role === 'auth')
        server.addService(AuthServiceDefinition, required(services.local.auth, 'the auth service'));
      if (role === 'user')
        server.addService(UserServiceDefinition, required(services.local.user, 'the user service'));
      if (role === 'media')
        server.addService(MediaServiceDefinition, required(services.local.media, 'the media service'));
      if (role === 'post')
        server.addService(PostServiceDefinition, required(services.local.post, 'the post service'));
      if (role === 'feed')
        server.addService(FeedServiceDefinition, required(services.local.feed, 'the feed service'));
      if (role === 'like')
        server.addService(LikeServiceDefinition, required(services.local.like, 'the like service'));
      if (role === 'comment')
        server.addService(CommentServiceDefinition, required(services.local.comment, 'the comment service'));
      if (role === 'notification') {
        const notifications = required(services.local.notification, 'the notification service');
        server.addService(NotificationServiceDefinition, notifications);
      }
      if (role === 'analytics')
        server.addService(
          AnalyticsServiceDefinition,
          required(services.local.analytics, 'the analytics service'),
        );
      grpcPorts[role] = await server.start();
      closers.unshift(() => server.stop(config.shutdown.graceMs));
    }

    // Every process answers /healthz, /readyz and /metrics: the gateway on its API port,
    // any other process on a small HTTP server of its own.
    const http = plan.gateway
      ? await startGateway(config, services, infrastructure, accessTokens, metrics, logger)
      : await createOpsApp({
          healthChecks: [...infrastructure.healthChecks, ...services.healthChecks],
          metricsRegistry: metrics.registry,
        });
    await http.listen({ host: config.http.host, port: config.http.port });
    // Closing the HTTP server first stops new requests and waits for in-flight ones.
    closers.unshift(() => http.close());
    const address = http.getHttpServer().address();
    const url =
      typeof address === 'object' && address ? `http://${config.http.host}:${address.port}` : undefined;

    logger.info(
      { roles: config.roles, url, grpcPorts, infrastructure: infrastructure.describe },
      'glimpse started',
    );
    return { url, grpcPorts, plan, infrastructure, metrics, services, logger, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
