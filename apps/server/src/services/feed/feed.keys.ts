/**
 * Redis keys of the home feed. Every batched operation groups keys by cluster node, so keys
 * need no shared hash tag.
 */

/** A reader's home feed: post ids scored by id, capped at FEED_MAX_ITEMS, expiring when idle. */
export function feedKey(userId: string): string {
  return `feed:${userId}`;
}

/** An author's recent post ids: the celebrity merge and follow backfills read it. */
export function authorPostsKey(authorId: string): string {
  return `posts:${authorId}`;
}

/**
 * Sorted-set score of a post id. Ids are 64-bit and doubles hold 53 bits, so neighbouring ids
 * may share a score; rounding keeps the order (never inverts two ids), and Redis orders equal
 * scores by member, which for decimal ids of equal length is numeric order. Cursors therefore
 * read SCORE_SLACK extra entries at the boundary and compare ids exactly (see byIdDesc).
 */
export function scoreOf(postId: string): number {
  return Number(postId);
}

/** More than the ids that can share one score (2^(64-53) = 2048 at worst, far fewer today). */
export const SCORE_SLACK = 64;

/** Newest first, exactly. */
export function byIdDesc(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x > y ? -1 : x < y ? 1 : 0;
}

export function isOlderThan(postId: string, cursorId: string | undefined): boolean {
  return cursorId === undefined || BigInt(postId) < BigInt(cursorId);
}
