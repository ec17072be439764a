/** Events the comment service publishes (through the outbox), keyed by the post id. */
export const COMMENT_CREATED = 'comment.created';
export const COMMENT_DELETED = 'comment.deleted';

export interface CommentCreatedPayload {
  commentId: string;
  postId: string;
  /** Whom to notify. */
  postAuthorId: string;
  authorId: string;
  body: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

export interface CommentDeletedPayload {
  commentId: string;
  postId: string;
  postAuthorId: string;
  /** The comment's author (not necessarily who deleted it: the post's author may). */
  authorId: string;
  /** ISO 8601 UTC. */
  deletedAt: string;
}
