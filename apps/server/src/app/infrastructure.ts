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
import { NamespacedEventBus } from '../platform/events/namespaced.event-bus.js';
import { TOPICS } from '../platform/events/topics.js';
import { createPubSub } from '../platform/pubsub/pubsub.factory.js';
import type { PubSub } from '../platform/pubsub/pubsub.port.js';
import { PgliteDatabase } from '../platform/sql/pglite.database.js';
import { PostgresDatabase } from '../platform/sql/postgres.database.js';
import type { SqlDatabase } from '../platform/sql/sql.port.js';
import { LocalDiskStorage } from '../platform/storage/local-disk.storage.js';
import { S3Storage } from '../platform/storage/s3.storage.js';
import type { ObjectStorage } from '../platform/storage/storage.port.js';

/** Which ports a process needs, given its roles. */
export interface InfrastructureNeeds {
  sql: boolean;
  cache: boolean;
  events: boolean;
  storage: boolean;
  pubsub: boolean;
}

/** The ports this process needs, each bound to its real or embedded adapter by configuration. */
export interface Infrastructure {
  sql: SqlDatabase | undefined;
  cache: Cache | undefined;
  bus: EventBus | undefined;
  storage: ObjectStorage | undefined;
  /** Wake-ups of notification streams: where the cache is (Redis, Redis Cluster, in process). */
  pubsub: PubSub | undefined;
  /** Which adapter backs each open port, for logs. */
  describe: { sql?: string; cache?: string; events?: string; storage?: string; pubsub?: string };
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
    const kafka = new KafkaEventBus({
      brokers: config.kafka.brokers.map(formatHostPort),
      clientId: config.kafka.clientId,
      onError,
    });
    return config.kafka.namespace ? new NamespacedEventBus(kafka, config.kafka.namespace) : kafka;
  }
  return new MemoryEventBus({ onError });
}

/** Served by the gateway at this path when no public URL (CDN) is configured. */
export const LOCAL_MEDIA_PATH = '/media';

export function openStorage(config: Config): ObjectStorage {
  const { s3, publicUrl, localDir } = config.storage;
  if (s3) {
    return new S3Storage({
      ...(s3.endpoint !== undefined && { endpoint: s3.endpoint }),
      bucket: s3.bucket,
      region: s3.region,
      ...(s3.accessKeyId !== undefined && { accessKeyId: s3.accessKeyId }),
      ...(s3.secretAccessKey !== undefined && { secretAccessKey: s3.secretAccessKey }),
      forcePathStyle: s3.forcePathStyle,
      // Required with S3_BUCKET (checked by loadConfig).
      publicBaseUrl: publicUrl ?? '',
    });
  }
  return new LocalDiskStorage({ root: localDir, publicBaseUrl: publicUrl ?? LOCAL_MEDIA_PATH });
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
  needs: InfrastructureNeeds = { sql: true, cache: true, events: true, storage: true, pubsub: true },
): Promise<Infrastructure> {
  const sql = needs.sql ? await openSql(config, logger) : undefined;
  const cache = needs.cache ? await openCache(config, logger) : undefined;
  const pubsub = needs.pubsub
    ? await createPubSub(config.redis, {
        onError: (err) => logger.warn({ err: err.message }, 'redis pub/sub error'),
      })
    : undefined;
  const bus = needs.events ? openBus(config, logger) : undefined;
  const storage = needs.storage ? openStorage(config) : undefined;
  const topics = bus ? ensureTopicsInBackground(bus, logger) : undefined;
  // The in-process bus is always available: wait, so events published at start find their topics.
  if (topics && !config.kafka.brokers) await topics.ready;
  const describe = {
    ...(sql && { sql: sql.dialect }),
    ...(cache && {
      cache: config.redis.url ? 'redis' : config.redis.clusterNodes ? 'redis-cluster' : 'memory',
    }),
    ...(bus && { events: config.kafka.brokers ? 'kafka' : 'memory' }),
    ...(storage && { storage: config.storage.s3 ? 's3' : 'local-disk' }),
    ...(pubsub && { pubsub: pubsub.kind }),
  };
  const healthChecks: HealthCheck[] = [];
  if (sql) healthChecks.push({ name: 'database', critical: true, check: () => sql.ping() });
  if (cache) healthChecks.push({ name: 'cache', critical: false, check: () => cache.ping() });
  if (bus) healthChecks.push({ name: 'events', critical: false, check: () => bus.ping() });
  // Without storage no upload can be taken nor any variant made; reads of posts still work.
  if (storage) healthChecks.push({ name: 'storage', critical: false, check: () => storage.ping() });
  // Without it streams poll on their heartbeats: slower, never wrong.
  if (pubsub) healthChecks.push({ name: 'pubsub', critical: false, check: () => pubsub.pubsub.ping() });
  return {
    sql,
    cache,
    bus,
    storage,
    pubsub: pubsub?.pubsub,
    describe,
    healthChecks,
    async close() {
      topics?.stop();
      const results = await Promise.allSettled([
        bus?.close(),
        cache?.close(),
        storage?.close(),
        pubsub?.pubsub.close(),
      ]);
      await sql?.close();
      for (const result of results)
        if (result.status === 'rejected') logger.warn({ err: result.reason }, 'close failed');
    },
  };
}
