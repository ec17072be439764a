import {
  Admin,
  type ListedOffsetsTopic,
  ListOffsetTimestamps,
  ProduceAcks,
  Producer,
  stringSerializers,
} from '@platformatic/kafka';

import {
  type EventBusErrorListener,
  type RetryPolicy,
  retryPolicy,
  safeListener,
  toError,
} from './delivery.retry.js';
import { withDeadline } from './deadline.js';
import { encodeEnvelope } from './envelope.codec.js';
import {
  assertGroupName,
  assertTopicName,
  EventBusClosedError,
  UnknownTopicError,
} from './event-bus.errors.js';
import type { ConsumerLag, EventBus, EventEnvelope, SubscribeOptions, Subscription } from './events.port.js';
import { KafkaSubscription } from './kafka.subscription.js';

export interface KafkaEventBusOptions {
  /** Bootstrap brokers as `host:port`. */
  brokers: string[];
  clientId: string;
  /** Partitions of the topics ensureTopics creates. Default: the broker's `num.partitions`. */
  partitions?: number;
  /** Replication factor of the topics ensureTopics creates. Default: the broker's default. */
  replicationFactor?: number;
  /** Deadline of publish and ping: a dead broker fails the caller instead of hanging it. Default 5000. */
  requestTimeoutMs?: number;
  /** Deadline of ensureTopics and of joining a group on subscribe. Default 30000. */
  setupTimeoutMs?: number;
  /** Backoff between attempts of a handler that threw. */
  retry?: Partial<RetryPolicy>;
  /** Handler failures, undecodable records, broker trouble of consumers. Wire a logger. */
  onError?: EventBusErrorListener;
}

/**
 * The events port on Kafka (@platformatic/kafka). Envelopes travel as JSON values keyed by
 * `envelope.key`, with the trace context also in a `traceparent` header for tools that read
 * headers. Publishing waits for every in-sync replica (acks=all) through an idempotent producer,
 * so a retried send neither duplicates nor reorders a key's events.
 */
export class KafkaEventBus implements EventBus {
  readonly #brokers: string[];
  readonly #clientId: string;
  readonly #partitions: number;
  readonly #replicationFactor: number;
  readonly #requestTimeoutMs: number;
  readonly #setupTimeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #onError: EventBusErrorListener;
  readonly #admin: Admin;
  readonly #producer: Producer<string, string, string, string>;
  readonly #subscriptions = new Set<KafkaSubscription>();
  /** Topics known to exist: publish checks the others with the broker before sending. */
  readonly #knownTopics = new Set<string>();
  #closing: Promise<void> | undefined;

  constructor(options: KafkaEventBusOptions) {
    if (options.brokers.length === 0) throw new TypeError('KafkaEventBus needs at least one broker');
    this.#brokers = [...options.brokers];
    this.#clientId = options.clientId;
    // -1 asks the broker for its defaults (CreateTopics v4+).
    this.#partitions = options.partitions ?? -1;
    this.#replicationFactor = options.replicationFactor ?? -1;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.#setupTimeoutMs = options.setupTimeoutMs ?? 30_000;
    this.#retry = retryPolicy(options.retry);
    this.#onError = safeListener(options.onError);
    const client = {
      clientId: options.clientId,
      bootstrapBrokers: this.#brokers,
      connectTimeout: Math.min(this.#requestTimeoutMs, 5_000),
      timeout: this.#requestTimeoutMs,
      retries: 2,
      retryDelay: 250,
    };
    this.#admin = new Admin(client);
    this.#producer = new Producer({
      ...client,
      serializers: stringSerializers,
      acks: ProduceAcks.ALL,
      idempotent: true,
    });
    // Clients emit 'error' for background failures; unheard, that event would crash the process.
    this.#admin.on('error', (error: Error) => this.#onError(error, {}));
    this.#producer.on('error', (error: Error) => this.#onError(error, {}));
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    this.#assertOpen();
    topics.forEach(assertTopicName);
    const wanted = [...new Set(topics)];
    if (wanted.length === 0) return;
    await withDeadline(this.#ensureTopics(wanted), this.#setupTimeoutMs, 'Kafka ensureTopics');
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    this.#assertOpen();
    if (events.length === 0) return;
    const messages = events.map((event) => {
      const value = encodeEnvelope(event);
      const headers = new Map<string, string>();
      if (event.traceparent !== undefined) headers.set('traceparent', event.traceparent);
      return { topic: event.type, key: event.key, value, headers };
    });
    const send = async (): Promise<void> => {
      await this.#assertTopicsExist(new Set(events.map((event) => event.type)));
      // One request per partition leader, in publication order: a key's events stay in order.
      await this.#producer.send({ messages });
    };
    await withDeadline(send(), this.#requestTimeoutMs, 'Kafka publish');
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#assertOpen();
    assertGroupName(options.group);
    if (options.topics.length === 0) throw new TypeError('subscribe needs at least one topic');
    options.topics.forEach(assertTopicName);
    const topics = [...new Set(options.topics)];
    await withDeadline(this.#assertTopicsExist(new Set(topics)), this.#requestTimeoutMs, 'Kafka subscribe');
    const subscription: KafkaSubscription = new KafkaSubscription({
      brokers: this.#brokers,
      clientId: this.#clientId,
      group: options.group,
      topics,
      handler: options.handler,
      retry: this.#retry,
      onError: this.#onError,
      closeTimeoutMs: this.#setupTimeoutMs,
      onClosed: () => this.#subscriptions.delete(subscription),
    });
    this.#subscriptions.add(subscription);
    try {
      await withDeadline(subscription.start(), this.#setupTimeoutMs, 'Kafka subscribe');
    } catch (error) {
      await subscription.close();
      throw error;
    }
    // close() may have run while the group was being joined.
    if (this.#closing) {
      await subscription.close();
      throw new EventBusClosedError();
    }
    return subscription;
  }

  /**
   * A group's topics are those it has committed offsets on and those its live members subscribe
   * to (a group whose first events are still being handled has committed nothing yet). Where
   * the group has no committed offset, or one older than the oldest retained event, it starts
   * from the earliest retained event (as its members do): every retained event counts. A group
   * with neither commits nor members reports 0.
   */
  async consumerLag(groups: readonly string[]): Promise<ConsumerLag[]> {
    this.#assertOpen();
    groups.forEach(assertGroupName);
    const wanted = [...new Set(groups)];
    if (wanted.length === 0) return [];
    const lags = await withDeadline(this.#consumerLag(wanted), this.#requestTimeoutMs, 'Kafka consumerLag');
    return groups.map((group) => ({ group, lag: Number(lags.get(group) ?? 0n) }));
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    const check = async (): Promise<void> => {
      const metadata = await this.#admin.metadata({ topics: [], forceUpdate: true });
      if (metadata.brokers.size === 0) throw new Error('the Kafka cluster reports no live broker');
    };
    await withDeadline(check(), this.#requestTimeoutMs, 'Kafka ping');
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Subscriptions first: they finish their handlers, commit, and leave their groups.
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    const results = await Promise.allSettled([this.#producer.close(), this.#admin.close()]);
    for (const result of results) {
      if (result.status === 'rejected') this.#onError(toError(result.reason), {});
    }
  }

  async #consumerLag(groups: string[]): Promise<Map<string, bigint>> {
    const [committedOffsets, described, existing] = await Promise.all([
      this.#admin.listConsumerGroupOffsets({ groups }),
      this.#admin.describeGroups({ groups }),
      this.#admin.listTopics(),
    ]);
    const topicsOf = new Map(groups.map((group) => [group, new Set<string>()]));
    /** Per group, the committed offset per `topicPartitionKey`. */
    const committed = new Map(groups.map((group) => [group, new Map<string, bigint>()]));
    for (const { groupId, topics } of committedOffsets) {
      for (const { name, partitions } of topics) {
        topicsOf.get(groupId)?.add(name);
        for (const { partitionIndex, committedOffset } of partitions) {
          // -1: no offset committed on this partition.
          if (committedOffset >= 0n)
            committed.get(groupId)?.set(topicPartitionKey(name, partitionIndex), committedOffset);
        }
      }
    }
    for (const [groupId, group] of described) {
      for (const member of group.members.values()) {
        for (const topic of member.metadata?.topics ?? []) topicsOf.get(groupId)?.add(topic);
      }
    }
    // A deleted topic has nothing left to consume.
    const live = new Set(existing);
    const topics = [...new Set([...topicsOf.values()].flatMap((set) => [...set]))].filter((t) => live.has(t));
    const lags = new Map(groups.map((group) => [group, 0n]));
    if (topics.length === 0) return lags;

    const metadata = await this.#admin.metadata({ topics });
    const at = (timestamp: bigint) => ({
      topics: topics.map((name) => ({
        name,
        partitions: Array.from(
          { length: metadata.topics.get(name)?.partitionsCount ?? 0 },
          (_, partitionIndex) => ({
            partitionIndex,
            timestamp,
          }),
        ),
      })),
    });
    const [latest, earliest] = await Promise.all([
      this.#admin.listOffsets(at(ListOffsetTimestamps.LATEST)),
      this.#admin.listOffsets(at(ListOffsetTimestamps.EARLIEST)),
    ]);
    const ends = offsetsByPartition(latest);
    const starts = offsetsByPartition(earliest);
    for (const [group, groupTopics] of topicsOf) {
      let lag = 0n;
      for (const topic of groupTopics) {
        const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
        for (let partition = 0; partition < partitions; partition += 1) {
          const key = topicPartitionKey(topic, partition);
          const start = starts.get(key) ?? 0n;
          const end = ends.get(key) ?? start;
          const position = committed.get(group)?.get(key) ?? start;
          const from = position > start ? position : start;
          if (end > from) lag += end - from;
        }
      }
      lags.set(group, lag);
    }
    return lags;
  }

  #assertOpen(): void {
    if (this.#closing) throw new EventBusClosedError();
  }

  async #ensureTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.#admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      try {
        await this.#admin.createTopics({
          topics: missing,
          partitions: this.#partitions,
          replicas: this.#replicationFactor,
        });
      } catch (error) {
        // Another process may have created some of them meanwhile: only a topic still missing is a failure.
        const now = new Set(await this.#admin.listTopics());
        if (missing.some((topic) => !now.has(topic))) throw error;
      }
    }
    await this.#waitForLeaders(topics, Date.now() + this.#setupTimeoutMs);
    topics.forEach((topic) => this.#knownTopics.add(topic));
  }

  /** Creation returns before every partition has a leader; producing earlier would fail. */
  async #waitForLeaders(topics: string[], giveUpAt: number): Promise<void> {
    for (let attempt = 0; Date.now() < giveUpAt; attempt += 1) {
      const metadata = await this.#admin.metadata({ topics, forceUpdate: true });
      const ready = topics.every((topic) => {
        const partitions = metadata.topics.get(topic)?.partitions;
        return partitions !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
    }
    throw new Error(`topics ${topics.join(', ')} have partitions without a leader`);
  }

  async #assertTopicsExist(topics: ReadonlySet<string>): Promise<void> {
    if ([...topics].every((topic) => this.#knownTopics.has(topic))) return;
    const existing = await this.#admin.listTopics();
    for (const topic of existing) this.#knownTopics.add(topic);
    for (const topic of topics) if (!this.#knownTopics.has(topic)) throw new UnknownTopicError(topic);
  }
}

/** `topic\0partition`: NUL cannot occur in a topic name. */
function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

function offsetsByPartition(topics: readonly ListedOffsetsTopic[]): Map<string, bigint> {
  const offsets = new Map<string, bigint>();
  for (const { name, partitions } of topics) {
    for (const { partitionIndex, offset } of partitions)
      offsets.set(topicPartitionKey(name, partitionIndex), offset);
  }
  return offsets;
}
