/**
 * Redis keys of the like service. Single-key commands only, so they need no shared hash tag.
 * `like_count:` is also read by Explore's ranking (services/feed/explore.ranking.ts).
 */

/** A post's like count, derived from `likes.like_dedup`; rebuilt from it when missing. */
export function likeCountKey(postId: string): string {
  return `like_count:${postId}`;
}

/** The posts a user liked, for `viewer.liked` readers: a hint, not the truth (see LikeCounters). */
export function userLikesKey(userId: string): string {
  return `user_likes:${userId}`;
}
