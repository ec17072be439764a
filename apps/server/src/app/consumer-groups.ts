/**
 * Every consumer group, named after what it does: each sees every event of its topics once,
 * whichever processes host it. Operators' figures report the lag of each.
 */
export const CONSUMER_GROUPS = {
  mediaWorker: 'media-worker',
  fanout: 'fanout',
  postPublisher: 'post-publisher',
  userPostCounts: 'user-post-counts',
  notifications: 'notifications',
  analytics: 'analytics',
} as const;

export const ALL_CONSUMER_GROUPS: readonly string[] = Object.values(CONSUMER_GROUPS);
