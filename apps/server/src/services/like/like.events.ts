/**
 * Events the like service publishes (through the outbox), keyed by the post id: every event of
 * one post, so a like and its unlike, reaches consumers in order.
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
