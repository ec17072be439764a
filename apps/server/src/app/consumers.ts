import type { Cache } from '../platform/cache/cache.port.js';
import type { Config } from '../platform/config/config.js';
import type { EventBus, EventEnvelope, EventHandler, Subscription } from '../platform/events/events.port.js';
import type { IdGenerator } from '../platform/ids/snowflake.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { SqlDatabase } from '../platform/sql/sql.port.js';
import type { ObjectStorage } from '../platform/storage/storage.port.js';
import type { Logger } from 'pino';
import sharp from 'sharp';

import { ANALYTICS_TOPICS, AnalyticsConsumer } from '../services/analytics/analytics.consumer.js';
import { SqlAnalyticsRepository } from '../services/analytics/analytics.repository.js';
import { FanoutLagRecorder } from '../services/feed/fanout.lag.js';
import { NOTIFICATION_TOPICS, NotificationConsumer } from '../services/notification/notification.consumer.js';
import { FANOUT_TOPICS, FanoutWorker } from '../services/feed/fanout.worker.js';
import { feedSettings } from '../services/feed/feed.settings.js';
import { HeicDecoder } from '../services/media/image/heic.decoder.js';
import { ImageProcessor } from '../services/media/image/image.processor.js';
import { MEDIA_FAILED, MEDIA_READY, MEDIA_UPLOADED } from '../services/media/media.events.js';
import { SqlMediaRepository } from '../services/media/media.repository.js';
import { MediaWorker } from '../services/media/media.worker.js';
import { POST_COUNT_TOPICS, PostCountsConsumer } from '../services/user/post-counts.consumer.js';
import { SqlPostCountsRepository } from '../services/user/post-counts.repository.js';
import { CONSUMER_GROUPS } from './consumer-groups.js';
import type { RolePlan } from './roles.js';
import type { Services } from './services.js';

export interface ConsumerDependencies {
  config: Config;
  plan: RolePlan;
  bus: EventBus | undefined;
  sql: SqlDatabase | undefined;
  storage: ObjectStorage | undefined;
  cache: Cache | undefined;
  services: Services;
  ids: IdGenerator;
  metrics: Metrics;
  logger: Logger;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(`${what} is needed by this process's consumers but was not set up`);
  return value;
}

/**
 * The event consumers this process's roles run, each in a consumer group named after what it
 * does, so every group sees every event once whichever processes host it. Returns what to
 * close on shutdown, in order: the subscriptions first, then what their handlers use.
 */
export async function startConsumers(deps: ConsumerDependencies): Promise<Subscription[]> {
  const { plan, config, metrics } = deps;
  const wanted: Array<{ group: string; topics: readonly string[]; handler: EventHandler }> = [];
  // Closed after the subscriptions, once no handler can use them any more.
  const resources: Subscription[] = [];

  if (plan.mediaWorker) {
    // Every upload is decoded once: libvips' operation cache would only hold memory.
    sharp.cache(false);
    const heicDecoder = new HeicDecoder();
    resources.push({ close: () => heicDecoder.close() });
    const worker = new MediaWorker({
      media: new SqlMediaRepository(required(deps.sql, 'the database')),
      storage: required(deps.storage, 'object storage'),
      processor: new ImageProcessor({ maxPixels: config.media.maxPixels, heicDecoder }),
      ids: deps.ids,
      concurrency: config.media.workerConcurrency,
      maxBytes: config.media.maxBytes,
      observer: {
        queued: (count) => metrics.mediaProcessingQueued.set(count),
        processed: (outcome, seconds) => {
          metrics.mediaProcessedTotal.inc({ outcome });
          metrics.mediaProcessingSeconds.observe(seconds);
        },
      },
    });
    wanted.push({ group: CONSUMER_GROUPS.mediaWorker, topics: [MEDIA_UPLOADED], handler: worker.handle });
  }

  const onMalformed = (group: string) => (event: EventEnvelope, problem: string) =>
    deps.logger.error({ group, topic: event.type, eventId: event.id, problem }, 'unreadable event skipped');

  if (plan.fanout) {
    const cache = required(deps.cache, 'the cache');
    const lag = new FanoutLagRecorder(cache, (err) =>
      deps.logger.warn({ err }, 'fanout lag not recorded for operators'),
    );
    const fanout = new FanoutWorker({
      cache,
      users: required(deps.services.users, 'the user service'),
      posts: required(deps.services.posts, 'the post service'),
      settings: feedSettings(config),
      observer: {
        delivered: (count) => metrics.fanoutDeliveriesTotal.inc(count),
        lagSeconds: (seconds) => {
          metrics.fanoutLagSeconds.observe(seconds);
          lag.record(seconds);
        },
        skippedCelebrity: () => metrics.fanoutCelebrityPostsTotal.inc(),
      },
    });
    wanted.push({ group: CONSUMER_GROUPS.fanout, topics: FANOUT_TOPICS, handler: fanout.handle });
  }

  const posts = deps.services.local.post;
  if (posts) {
    wanted.push({
      group: CONSUMER_GROUPS.postPublisher,
      topics: [MEDIA_READY, MEDIA_FAILED],
      handler: async (event) => {
        const { mediaId } = event.payload as { mediaId?: unknown };
        if (typeof mediaId === 'string') await posts.settleMedia({ mediaId });
      },
    });
  }

  if (deps.services.local.user) {
    const consumer = new PostCountsConsumer(new SqlPostCountsRepository(required(deps.sql, 'the database')));
    wanted.push({
      group: CONSUMER_GROUPS.userPostCounts,
      topics: POST_COUNT_TOPICS,
      handler: consumer.handle,
    });
  }

  const notifications = deps.services.local.notification;
  if (notifications) {
    const consumer = new NotificationConsumer({
      notifications,
      onMalformed: onMalformed(CONSUMER_GROUPS.notifications),
    });
    wanted.push({
      group: CONSUMER_GROUPS.notifications,
      topics: NOTIFICATION_TOPICS,
      handler: consumer.handle,
    });
  }

  if (deps.services.local.analytics) {
    const consumer = new AnalyticsConsumer({
      analytics: new SqlAnalyticsRepository(required(deps.sql, 'the database')),
      posts: required(deps.services.posts, 'the post service'),
      onMalformed: onMalformed(CONSUMER_GROUPS.analytics),
    });
    wanted.push({ group: CONSUMER_GROUPS.analytics, topics: ANALYTICS_TOPICS, handler: consumer.handle });
  }

  if (wanted.length === 0) return resources;
  const bus = required(deps.bus, 'the event bus');
  const subscriptions: Subscription[] = [];
  try {
    for (const { group, topics, handler } of wanted) {
      subscriptions.push(await bus.subscribe({ group, topics, handler: observed(group, handler, metrics) }));
    }
  } catch (err) {
    await Promise.allSettled([...subscriptions, ...resources].map((subscription) => subscription.close()));
    throw err;
  }
  return [...subscriptions, ...resources];
}

/** Counts every handled event by outcome; the bus logs and retries a handler that throws. */
function observed(group: string, handler: EventHandler, metrics: Metrics): EventHandler {
  return async (event) => {
    try {
      await handler(event);
      metrics.eventsConsumedTotal.inc({ topic: event.type, group, outcome: 'ok' });
    } catch (err) {
      metrics.eventsConsumedTotal.inc({ topic: event.type, group, outcome: 'retried' });
      throw err;
    }
  };
}
