/**
 * Likes of one post, and follows of one user, that fall in the same window of this length are
 * one notification while it is unread (Instagram groups "x and 12 others liked your photo" over
 * about half a day).
 */
export const NOTIFICATION_GROUP_WINDOW_MS = 12 * 60 * 60 * 1000;

/** A comment notification keeps this many code points of the body: enough for a preview. */
export const COMMENT_EXCERPT_MAX_LENGTH = 500;

/**
 * A suggested age for `prune`: removed notifications must outlive the reconnect window of live
 * streams (a stream that asks for changes after an older seq misses their removal), and dedup
 * records the redelivery window of the bus.
 */
export const NOTIFICATION_PRUNE_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The window an event at `at` falls in. Deterministic from the event's own time, so every
 * consumer, and every redelivery, puts the same event in the same group.
 */
export function groupBucket(at: Date, windowMs: number): number {
  return Math.floor(at.getTime() / windowMs);
}

/** The group of the likes of `postId` in the window of `at`. */
export function likeGroupKey(postId: string, at: Date, windowMs: number): string {
  return `like:${postId}:${groupBucket(at, windowMs)}`;
}

/** The group of a recipient's new followers in the window of `at` (the recipient is the row's). */
export function followGroupKey(at: Date, windowMs: number): string {
  return `follow:${groupBucket(at, windowMs)}`;
}

/** The first COMMENT_EXCERPT_MAX_LENGTH code points of `body` (an emoji is never cut in half). */
export function commentExcerpt(body: string): string {
  const codePoints = Array.from(body);
  return codePoints.length <= COMMENT_EXCERPT_MAX_LENGTH
    ? body
    : codePoints.slice(0, COMMENT_EXCERPT_MAX_LENGTH).join('');
}
