/** GetLikeSummaries answers at most this many posts: one page of post hydration, and then some. */
export const MAX_SUMMARY_POSTS = 1000;

/**
 * How long a like counter lives after it was (re)built. Increments keep the TTL, so a counter is
 * recounted from PostgreSQL at least this often, which bounds how long any drift can last.
 */
export const LIKE_COUNT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Reconcile checks the counters of the posts liked or unliked within this window. */
export const RECONCILE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Posts reconciled per round trip (one counter read, one grouped COUNT). */
export const RECONCILE_BATCH = 1000;
