/**
 * The live-notification port: a process announces "something changed for X" on a channel, and
 * every process holding a subscription to that channel hears it within milliseconds. Redis
 * pub/sub in the distributed shape, in process on embedded infrastructure; one contract suite
 * holds both to the same behaviour.
 *
 * Delivery is at most once and only to subscribers active when the message reached the broker:
 * a message is a wake-up call, never the data itself. A publish that resolved reaches
 * subscribers before any publish started after it; publishes in flight together may arrive in
 * any order (on Redis Cluster, one sent while its node's connection opens takes a redirection). After `onConnectionChange` reported
 * `false` then `true`, messages may have been missed in between, and subscribers catch up from
 * the source of truth (PostgreSQL).
 */
export type MessageHandler = (message: string) => void;

export interface PubSub {
  /** Fire and forget, at most once: resolves when the broker took it. Rejects when it is down. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Resolves once the subscription is active; the returned function unsubscribes (idempotent).
   * Many local subscribers of one channel share one broker subscription (refcounted).
   */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /**
   * Told when delivery may have been interrupted (false) and when it is back (true), so
   * subscribers can catch up from the source of truth after a gap. Returns an unregister
   * function.
   */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}
