import {
  ensureMonthlyPartitions,
  type EnsureMonthlyPartitionsOptions,
} from '../../platform/sql/partitions.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';

/** The comment table partitioned by month (see migrations/comments). */
export const COMMENTS_PARTITIONED_TABLE = 'comments.comments';

/**
 * Creates this month's and the next months' partitions of `comments.comments` when missing;
 * returns the names created. Run at start-up and periodically (PartitionMaintainer with
 * COMMENTS_PARTITIONED_TABLE does both); safe from every replica at once.
 */
export function maintainCommentPartitions(
  db: SqlDatabase,
  options?: EnsureMonthlyPartitionsOptions,
): Promise<string[]> {
  return ensureMonthlyPartitions(db, COMMENTS_PARTITIONED_TABLE, options);
}
