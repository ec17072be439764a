import { idTimestamp } from '../../platform/ids/snowflake.js';
import { CAPTION_MAX_LENGTH, captionProblem } from '../post/caption.rules.js';

/** Instagram's limit, as for captions, in code points (an emoji counts as one). */
export const COMMENT_BODY_MAX_LENGTH = CAPTION_MAX_LENGTH;

/** GetCommentCounts answers at most this many posts: one page of post hydration, and then some. */
export const MAX_COUNT_POSTS = 1000;

/**
 * How long a comment counter lives after it was (re)built. Increments keep the TTL, so a counter
 * is recounted from PostgreSQL at least this often, which bounds how long any drift can last.
 */
export const COMMENT_COUNT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Reconcile checks the counters of the posts commented on (or uncommented) within this window. */
export const RECONCILE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Most posts one Reconcile checks: the most recently active ones. */
export const RECONCILE_MAX_POSTS = 100_000;
/** Posts reconciled per round trip (one counter read, one grouped COUNT). */
export const RECONCILE_BATCH = 1000;

/**
 * How far the clock of the worker that made a post's id may be ahead of the one that makes a
 * comment on it. Listing bounds created_at below by the post's time less this, to skip the
 * partitions of months before the post; a day is far beyond any real skew and costs at most one
 * extra partition.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 24 * 60 * 60 * 1000;

/**
 * Why `body` cannot be a comment, or undefined when it can: the caption rules (length in code
 * points, well-formed Unicode, no control characters but line breaks and tabs), and not empty or
 * only blank.
 */
export function commentBodyProblem(body: string): string | undefined {
  if (/^\s*$/u.test(body)) return 'must not be empty';
  return captionProblem(body);
}

/**
 * The earliest created_at a comment of `postId` listed after `afterId` can have: comments are
 * younger than their post, and ids are time-sortable with created_at taken from the id, so every
 * comment after `afterId` was created in or after its millisecond. Only a bound for partition
 * pruning: the id comparison stays the query's real condition.
 */
export function commentsNotBefore(postId: string, afterId: string | undefined): Date {
  const postTime = idTimestamp(postId).getTime() - CLOCK_SKEW_ALLOWANCE_MS;
  const cursorTime = afterId === undefined ? Number.NEGATIVE_INFINITY : idTimestamp(afterId).getTime();
  return new Date(Math.max(postTime, cursorTime));
}
