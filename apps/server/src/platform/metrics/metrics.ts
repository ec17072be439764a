import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type { Registry } from 'prom-client';

/**
 * RED metrics and the platform's own counters, on a registry of their own (not prom-client's global one) so
 * tests and several in-process roles can each create one without name clashes.
 *
 * Errors are not a separate metric: they are `http_requests_total` with a 4xx/5xx `status` label, e.g.
 * `sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))`. One counter keeps
 * rates and error ratios consistent with each other.
 */
export interface Metrics {
  registry: Registry;
  /** `route` is the route pattern (`/api/posts/:id`), never the raw URL: labels must stay low-cardinality. */
  httpRequestsTotal: Counter<'method' | 'route' | 'status'>;
  httpRequestDurationSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Outbox rows published to the event bus, by topic. */
  outboxPublishedTotal: Counter<'topic'>;
  /** Outbox rows not yet published, as last seen by the relay. */
  outboxBacklog: Gauge;
  /** Cache calls that failed and were served without the cache, by operation (get, set, del, ...). */
  cacheOperationErrorsTotal: Counter<'operation'>;
  /**
   * Events handled by consumers; outcome is ok, retried (the handler threw, the event comes again) or
   * skipped (a record that is not an envelope). The buses have no dead-letter topic: they retry forever.
   */
  eventsConsumedTotal: Counter<'topic' | 'group' | 'outcome'>;
  /** Media the worker finished, by outcome: ready or failed (the file was refused). */
  mediaProcessedTotal: Counter<'outcome'>;
  /** Time from claiming an upload to its variants being stored. */
  mediaProcessingSeconds: Histogram;
  /** Uploads waiting for a processing slot in this process. */
  mediaProcessingQueued: Gauge;
  /** Feed reads that did not come from the reader's Redis feed: `rebuilt` or `database` (Redis down). */
  feedReadsOffCacheTotal: Counter<'source'>;
  /** Feeds a published post was pushed into. */
  fanoutDeliveriesTotal: Counter;
  /** Published posts not pushed because their author is above the threshold (merged at read). */
  fanoutCelebrityPostsTotal: Counter;
  /** From publication to the post being in every follower's feed. */
  fanoutLagSeconds: Histogram;
  /** How far Redis counters were from PostgreSQL when the reconciler repaired them, by counter. */
  counterDriftTotal: Counter<'counter'>;
}

/** From a cache hit (5 ms) to a slow upload (10 s). */
export const HTTP_DURATION_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Process metrics (CPU, memory, event loop lag, GC) under their standard unprefixed names.
  collectDefaultMetrics({ register: registry });

  return {
    registry,
    httpRequestsTotal: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests handled, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpRequestDurationSeconds: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [...HTTP_DURATION_BUCKETS_SECONDS],
      registers: [registry],
    }),
    outboxPublishedTotal: new Counter({
      name: 'outbox_published_total',
      help: 'Outbox events published to the event bus, by topic.',
      labelNames: ['topic'],
      registers: [registry],
    }),
    outboxBacklog: new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox events waiting to be published.',
      registers: [registry],
    }),
    cacheOperationErrorsTotal: new Counter({
      name: 'cache_operation_errors_total',
      help: 'Cache operations that failed (the request went on without the cache), by operation.',
      labelNames: ['operation'],
      registers: [registry],
    }),
    eventsConsumedTotal: new Counter({
      name: 'events_consumed_total',
      help: 'Events handled by consumers, by topic, consumer group and outcome.',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    }),
    mediaProcessedTotal: new Counter({
      name: 'media_processed_total',
      help: 'Uploads processed by the media worker, by outcome (ready or failed).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    mediaProcessingSeconds: new Histogram({
      name: 'media_processing_seconds',
      help: 'Time to process one upload (decode, variants, placeholder, storage), in seconds.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    mediaProcessingQueued: new Gauge({
      name: 'media_processing_queued',
      help: 'Uploads waiting for a processing slot in this process.',
      registers: [registry],
    }),
    feedReadsOffCacheTotal: new Counter({
      name: 'feed_reads_off_cache_total',
      help: 'Feed reads not served from the Redis feed, by source: rebuilt (feed was missing) or database (Redis down).',
      labelNames: ['source'],
      registers: [registry],
    }),
    fanoutDeliveriesTotal: new Counter({
      name: 'fanout_deliveries_total',
      help: 'Feeds published posts were pushed into.',
      registers: [registry],
    }),
    fanoutCelebrityPostsTotal: new Counter({
      name: 'fanout_celebrity_posts_total',
      help: 'Published posts whose author is above the fanout threshold (merged at read, pushed to nobody).',
      registers: [registry],
    }),
    fanoutLagSeconds: new Histogram({
      name: 'fanout_lag_seconds',
      help: 'Time from publication to the post being in every follower feed, in seconds.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    counterDriftTotal: new Counter({
      name: 'counter_drift_total',
      help: 'Sum of |Redis - PostgreSQL| over the counters the reconciler repaired, by counter (likes, comments).',
      labelNames: ['counter'],
      registers: [registry],
    }),
  };
}
