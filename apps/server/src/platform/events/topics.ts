/** Every Kafka topic Glimpse uses; all are created at start-up. */
export const TOPICS = [
  'post.published',
  'post.deleted',
  'media.uploaded',
  'media.ready',
  'media.failed',
  'like.created',
  'like.removed',
  'comment.created',
  'comment.deleted',
  'follow.created',
  'follow.removed',
  'impressions.recorded',
] as const;

export type Topic = (typeof TOPICS)[number];
