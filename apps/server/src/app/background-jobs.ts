import type { Logger } from 'pino';

import type { Config } from '../platform/config/config.js';
import { PeriodicTask } from '../platform/lifecycle/periodic-task.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { PartitionMaintainer } from '../platform/sql/partitions.js';
import type { SqlDatabase } from '../platform/sql/sql.port.js';
import { CommentCounterReconciler } from '../services/comment/comment.reconciler.js';
import { COMMENTS_PARTITIONED_TABLE } from '../services/comment/comment.partitions.js';
import { LIKE_EVENTS_TABLE } from '../services/like/like.partitions.js';
import { LikeCounterReconciler } from '../services/like/like.reconciler.js';
import { NOTIFICATION_PRUNE_AGE_MS } from '../services/notification/notification.rules.js';
import type { Services } from './services.js';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

export interface BackgroundJobDependencies {
  config: Config;
  services: Services;
  sql: SqlDatabase | undefined;
  metrics: Metrics;
  logger: Logger;
}

/**
 * The periodic work of the roles running here: next months' partitions of the engagement
 * tables, and the reconciliation of the like and comment counters with PostgreSQL. Every
 * replica may run them (each job is safe to run concurrently). Returns what stops them.
 */
export function startBackgroundJobs(deps: BackgroundJobDependencies): () => Promise<void> {
  const { config, services, metrics, logger } = deps;
  const stops: Array<() => Promise<void>> = [];
  const intervalMs = config.engagement.reconcileSeconds * 1000;

  const tables = [
    ...(services.local.like ? [LIKE_EVENTS_TABLE] : []),
    ...(services.local.comment ? [COMMENTS_PARTITIONED_TABLE] : []),
  ];
  if (tables.length > 0 && deps.sql) {
    const partitions = new PartitionMaintainer({
      db: deps.sql,
      tables,
      onError: (err, table) => logger.warn({ err, table }, 'partition maintenance failed; will retry'),
      onCreated: (table, created) => logger.info({ table, created }, 'partitions created'),
    });
    partitions.start();
    stops.push(() => partitions.stop());
  }

  const likes = services.local.like;
  if (likes) {
    const reconciler = new LikeCounterReconciler({
      likes,
      intervalMs,
      observer: {
        drift: (n) => metrics.counterDriftTotal.inc({ counter: 'likes' }, n),
        failed: (err) => logger.warn({ err }, 'like counter reconciliation failed; will retry'),
      },
    });
    reconciler.start();
    stops.push(() => reconciler.stop());
  }

  const comments = services.local.comment;
  if (comments) {
    const reconciler = new CommentCounterReconciler({
      comments,
      intervalMs,
      observer: { drift: (n) => metrics.counterDriftTotal.inc({ counter: 'comments' }, n) },
      onError: (err) => logger.warn({ err }, 'comment counter reconciliation failed; will retry'),
    });
    reconciler.start();
    stops.push(() => reconciler.stop());
  }

  // Removed notifications, tombstones and records of processed events outlive any redelivery
  // by far; so do the analytics' dedup records. Both prune in bounded batches.
  const notifications = services.local.notification;
  if (notifications) {
    stops.push(
      schedulePruning('notifications', logger, () =>
        notifications.prune(new Date(Date.now() - NOTIFICATION_PRUNE_AGE_MS)),
      ),
    );
  }
  const analytics = services.local.analytics;
  if (analytics) stops.push(schedulePruning('analytics', logger, () => analytics.prune()));

  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

function schedulePruning(what: string, logger: Logger, prune: () => Promise<unknown>): () => Promise<void> {
  const task = new PeriodicTask(async () => {
    try {
      logger.debug({ pruned: await prune() }, `${what} pruned`);
    } catch (err) {
      logger.warn({ err }, `${what} pruning failed; will retry`);
    }
  }, PRUNE_INTERVAL_MS);
  task.start();
  return () => task.stop();
}
