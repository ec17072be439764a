/** Events the post service publishes (through the outbox), keyed by the post id. */
export const POST_PUBLISHED = 'post.published';
export const POST_DELETED = 'post.deleted';

export interface PostPublishedPayload {
  postId: string;
  authorId: string;
  /** In the author's order. */
  mediaIds: string[];
  /** ISO 8601 UTC. */
  createdAt: string;
  /** ISO 8601 UTC. */
  publishedAt: string;
}

export interface PostDeletedPayload {
  postId: string;
  authorId: string;
  /** ISO 8601 UTC. */
  deletedAt: string;
}
