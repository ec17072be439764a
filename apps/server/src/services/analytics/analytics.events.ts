/**
 * The event the analytics service publishes (through the outbox), keyed by the viewer id: one
 * viewer's batches reach the consumer in order, and one viewer's dedup rows are only ever
 * written by one consumer at a time.
 */
export const IMPRESSIONS_RECORDED = 'impressions.recorded';

export interface ImpressionsRecordedPayload {
  viewerId: string;
  /** Distinct post ids, at most MAX_IMPRESSION_POSTS. */
  postIds: string[];
  /** ISO 8601 UTC. */
  viewedAt: string;
}
