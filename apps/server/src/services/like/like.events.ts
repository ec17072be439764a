/**
 * Events the like service publishes (through the outbox), keyed by the post id. A like and its
 * unlike are on different topics, and the bus orders events only within one topic's partition:
 * consumers must not assume that a like reaches them before its unlike. Each event carries its
 * own time (createdAt, removedAt) to tell which came last.
 */
export const LIKE_CREATED = 'like.created';
export const LIKE_REMOVED = 'like.removed';

export interface LikeCreatedPayload {
  userId: string;
  postId: string;
  /** Whom to notify: the author of the liked post. */
  postAuthorId: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

export interface LikeRemovedPayload {
  userId: string;
  postId: string;
  postAuthorId: string;
  /** ISO 8601 UTC. */
  removedAt: string;
}
