import {
  ensureMonthlyPartitions,
  type EnsureMonthlyPartitionsOptions,
} from '../../platform/sql/partitions.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';

/** The like history, partitioned by month on created_at (migrations/likes). */
export const LIKE_EVENTS_TABLE = 'likes.like_events';

/**
 * Creates the like history's partitions for this month and the next ones (two by default);
 * returns the partitions it created. Idempotent and safe to run from every replica at once.
 * Rows that fell into the DEFAULT partition meanwhile are moved into their month's partition.
 */
export function maintainLikePartitions(
  db: SqlDatabase,
  options?: EnsureMonthlyPartitionsOptions,
): Promise<string[]> {
  return ensureMonthlyPartitions(db, LIKE_EVENTS_TABLE, options);
}
