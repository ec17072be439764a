import path from 'node:path';

import type { Logger } from 'pino';

import type { HealthCheck } from '../platform/health/health.controller.js';
import type { Cache } from '../platform/cache/cache.port.js';
import { MemoryCache } from '../platform/cache/memory.cache.js';
import { RedisCache } from '../platform/cache/redis.cache.js';
import { formatHostPort, type Config } from '../platform/config/config.js';
import type { EventBusErrorListener } from '../platform/events/delivery.retry.js';
import type { EventBus } from '../platform/events/events.port.js';
import { KafkaEventBus } from '../platform/events/kafka.event-bus.js';
import { MemoryEventBus } from '../platform/events/memory.event-bus.js';
import { TOPICS } from '../platform/events/topics.js';
import { PgliteDatabase } from '../platform/sql/pglite.database.js';
import { PostgresDatabase } from '../platform/sql/postgres.database.js';
import type { SqlDatabase } from '../platform/sql/sql.port.js';

/** Which ports a process needs, given its roles. */
export interface InfrastructureNeeds {
  sql: boolean;
  cache: boolean;
  events: boolean;
}

/** The ports this process needs, each bound to its real or embedded adapter by configuration. */
export interface Infrastructure {
  sql: SqlDatabase | undefined;
  cache: Cache | undefined;
  bus: EventBus | undefined;
  /** Which adapter backs each open port, for logs. */
  describe: { sql?: string; cache?: string; events?: string };
  healthChecks: HealthCheck[];
  close(): Promise<void>;
}

export async function openSql(config: Config, logger: Logger): Promise<SqlDatabase> {
  if (config.database.url) {
    return new PostgresDatabase({
      url: config.database.url,
      poolMax: config.database.poolMax,
      applicationName: 'glimpse',
      onError: (err) => logger.warn({ err }, 'postgres connection error'),
    });
  }
  return PgliteDatabase.open({ dataDir: path.join(config.dataDir, 'pglite') });
}

async function openCache(config: Config, logger: Logger): Promise<Cache> {
  const onError = (err: Error) => logger.warn({ err: err.message }, 'redis error');
  const keyPrefix = config.redis.keyPrefix;
  if (config.redis.url) return RedisCache.connect({ url: config.redis.url, keyPrefix, onError });
  if (config.redis.clusterNodes) {
    return RedisCache.connect({
      clusterNodes: config.redis.clusterNodes.map(formatHostPort),
      keyPrefix,
      onError,
    });
  }
  return new MemoryCache();
}

function openBus(config: Config, logger: Logger): EventBus {
  // Handler failures are retried by the bus; they are logged so a stuck consumer is visible.
  const onError: EventBusErrorListener = (err, context) =>
    logger.warn(
      { err: err.message, group: context.group, topic: context.topic, attempt: context.attempt },
      'event bus error',
    );
  if (config.kafka.brokers) {
    return new KafkaEventBus({
      brokers: config.kafka.brokers.map(formatHostPort),
      clientId: config.kafka.clientId,
      onError,
    });
  }
  return new MemoryEventBus({ onError });
}

/**
 * Creating topics needs the broker; a broker that is down at start-up must not stop the
 * process (writes wait in the outbox), so creation is retried in the background.
 */
function ensureTopicsInBackground(bus: EventBus, logger: Logger): { stop(): void; ready: Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve) => {
    const attempt = (delayMs: number) => {
      if (stopped) return resolve();
      bus.ensureTopics(TOPICS).then(resolve, (err: unknown) => {
        logger.warn({ err }, 'could not create topics yet; retrying');
        timer = setTimeout(() => attempt(Math.min(delayMs * 2, 30_000)), delayMs);
        timer.unref();
      });
    };
    attempt(500);
  });
  return {
    ready,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export async function openInfrastructure(
  config: Config,
  logger: Logger,
  needs: InfrastructureNeeds = { sql: true, cache: true, events: true },
): Promise<Infrastructure> {
  const sql = needs.sql ? await openSql(config, logger) : undefined;
  const cache = needs.cache ? await openCache(config, logger) : undefined;
  const bus = needs.events ? openBus(config, logger) : undefined;
  const topics = bus ? ensureTopicsInBackground(bus, logger) : undefined;
  // The in-process bus is always available: wait, so events published at start find their topics.
  if (topics && !config.kafka.brokers) await topics.ready;
  const describe = {
    ...(sql && { sql: sql.dialect }),
    ...(cache && {
      cache: config.redis.url ? 'redis' : config.redis.clusterNodes ? 'redis-cluster' : 'memory',
    }),
    ...(bus && { events: config.kafka.brokers ? 'kafka' : 'memory' }),
  };
  const healthChecks: HealthCheck[] = [];
  if (sql) healthChecks.push({ name: 'database', critical: true, check: () => sql.ping() });
  if (cache) healthChecks.push({ name: 'cache', critical: false, check: () => cache.ping() });
  if (bus) healthChecks.push({ name: 'events', critical: false, check: () => bus.ping() });
  return {
    sql,
    cache,
    bus,
    describe,
    healthChecks,
    async close() {
      topics?.stop();
      const results = await Promise.allSettled([bus?.close(), cache?.close()]);
      await sql?.close();
      for (const result of results)
        if (result.status === 'rejected') logger.warn({ err: result.reason }, 'close failed');
    },
  };
}
