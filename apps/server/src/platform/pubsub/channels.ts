/**
 * Pub/sub channel names: a contract between the processes that announce a change and the
 * gateways that hold the streams waiting for it, listed here as topics.ts lists the topics.
 * The user id sits in a hash tag so that, on Redis Cluster, a user's channel has one shard.
 */
export function notificationChannel(userId: string): string {
  return `notifications:{${userId}}`;
}
