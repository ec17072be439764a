/**
 * Redis keys of the comment service. Single-key commands only, so they need no shared hash tag.
 * `comment_count:` is also read by Explore's ranking (services/feed/explore.ranking.ts).
 */

/** A post's live comment count, derived from PostgreSQL; rebuilt from it when missing. */
export function commentCountKey(postId: string): string {
  return `comment_count:${postId}`;
}
