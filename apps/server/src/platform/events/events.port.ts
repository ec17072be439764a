/**
 * The events port. Kafka in production, an in-process bus on embedded infrastructure; both
 * give the same guarantees (held to them by one contract suite):
 * - topics are event types (`follow.created`), created on start;
 * - events with the same `key` are delivered in the order they were published;
 * - each consumer group receives every event at least once, and an event counts as consumed
 *   only after its handler resolved: a handler that throws sees the event again.
 */
export interface EventEnvelope<TPayload = unknown> {
  /** Unique event id (64-bit decimal string); consumers dedupe on it. */
  id: string;
  /** The topic, e.g. `follow.created`. */
  type: string;
  /** ISO 8601 UTC. */
  occurredAt: string;
  /** Partitioning key: the entity whose events must stay ordered. */
  key: string;
  payload: TPayload;
  /** W3C trace context of the request that caused the event. */
  traceparent?: string;
}

export type EventHandler = (event: EventEnvelope) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group: each group receives every event; members of a group share them. */
  group: string;
  topics: readonly string[];
  handler: EventHandler;
}

export interface Subscription {
  close(): Promise<void>;
}

/** How far a consumer group is behind, for metrics and for waiting until work has drained. */
export interface ConsumerLag {
  group: string;
  /** Events published to the group's topics that it has not consumed yet (handled and committed). */
  lag: number;
}

export interface EventBus {
  /** Creates the topics that do not exist yet. Idempotent. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /** Resolves once every event is durably accepted by the bus; rejects if any was not. */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Per group, in the order asked: the events of the group's topics (those it subscribed to, or
   * has committed positions on) that it has not consumed yet, summed over topics and
   * partitions. An event being handled counts until its handler resolved. A group that never
   * subscribed has nothing to consume: 0. A group with no committed position on a partition
   * starts from the earliest retained event, so every retained event there counts.
   */
  consumerLag(groups: readonly string[]): Promise<ConsumerLag[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
