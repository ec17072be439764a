/** How the feed behaves; from configuration (FANOUT_FOLLOWER_THRESHOLD, FEED_MAX_ITEMS, ...). */
export interface FeedSettings {
  /** Authors with more followers than this are merged at read time instead of pushed. */
  fanoutFollowerThreshold: number;
  /** Each feed keeps this many newest post ids. */
  feedMaxItems: number;
  /** A feed nobody read for this long expires, and fanout skips it (rebuilt on return). */
  feedIdleTtlMs: number;
}

/** Recent post ids kept per author in `posts:{authorId}`. */
export const AUTHOR_POSTS_KEEP = 200;

/** Follower ids read per page while fanning out (one pipelined Redis round per page). */
export const FANOUT_PAGE_SIZE = 1000;

/** Posts of a newly followed author put into the follower's feed. */
export const FOLLOW_BACKFILL = 50;

export function feedSettings(config: {
  feed: { fanoutFollowerThreshold: number; maxItems: number; activeDays: number };
}): FeedSettings {
  return {
    fanoutFollowerThreshold: config.feed.fanoutFollowerThreshold,
    feedMaxItems: config.feed.maxItems,
    feedIdleTtlMs: config.feed.activeDays * 24 * 3600 * 1000,
  };
}
