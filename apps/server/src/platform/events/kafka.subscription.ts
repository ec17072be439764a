import {
  Consumer,
  type ConsumerOptions,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  type MessagesStream,
  stringDeserializers,
} from '@platformatic/kafka';

import {
  type EventBusErrorListener,
  pause,
  type RetryPolicy,
  retryDelayMs,
  safeListener,
  toError,
} from './delivery.retry.js';
import { withDeadline } from './deadline.js';
import { decodeEnvelope } from './envelope.codec.js';
import type { EventEnvelope, EventHandler, Subscription } from './events.port.js';

type KafkaRecord = Message<string, string, string, string>;
type Stream = MessagesStream<string, string, string, string>;

export interface KafkaSubscriptionOptions {
  brokers: string[];
  clientId: string;
  group: string;
  topics: string[];
  handler: EventHandler;
  retry: RetryPolicy;
  onError: EventBusErrorListener;
  /** Longest wait for leaving the group on close; past it the consumer is closed by force. */
  closeTimeoutMs: number;
  /** Called once the subscription has fully closed. */
  onClosed: () => void;
}

/** Records taken from the broker but not handled yet; past it the fetch loop pauses. */
const MAX_BUFFERED = 512;
const RESUME_BELOW = 128;

/**
 * One member of a consumer group. Records are handled one at a time per partition (so per key,
 * in order) and partitions in parallel; an offset is committed only after its handler resolved
 * (autocommit off), and a handler that throws gets the same record again after a backoff, so a
 * crash or a close never skips an event. If the broker connection breaks for good, the member
 * reconnects with a fresh consumer and goes on from the committed offsets.
 */
export class KafkaSubscription implements Subscription {
  readonly #options: KafkaSubscriptionOptions;
  readonly #report: EventBusErrorListener;
  readonly #queues = new Map<string, PartitionQueue>();
  /** Next offset expected per partition: a rebalance refetches from the committed offset, and
   * what is already queued must not run twice in this member. */
  readonly #nextOffsets = new Map<string, bigint>();
  readonly #pendingCommits = new Set<Promise<void>>();
  readonly #stop = new AbortController();
  #consumer: Consumer<string, string, string, string> | undefined;
  #stream: Stream | undefined;
  #buffered = 0;
  #paused = false;
  #reconnecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KafkaSubscriptionOptions) {
    this.#options = options;
    this.#report = safeListener(options.onError);
  }

  /** Joins the group; resolves once this member consumes. */
  async start(): Promise<void> {
    await this.#connect();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #connect(): Promise<void> {
    const { brokers, clientId, group, topics } = this.#options;
    const options: ConsumerOptions<string, string, string, string> = {
      clientId,
      bootstrapBrokers: brokers,
      groupId: group,
      deserializers: stringDeserializers,
      autocommit: false,
      // Short heartbeats: a joining or leaving member is noticed within a second, so the
      // group rebalances quickly; a member that vanished is evicted after the session timeout.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 15_000,
      maxWaitTime: 500,
      highWaterMark: 256,
    };
    const consumer = new Consumer(options);
    // An 'error' event without a listener would crash the process: report it and start over.
    consumer.on('error', (error: Error) => this.#restart(consumer, error));
    this.#consumer = consumer;
    let stream: Stream;
    try {
      stream = await consumer.consume({
        topics,
        mode: MessagesStreamModes.COMMITTED,
        // A group with no committed offset starts from the earliest retained event.
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        autocommit: false,
      });
    } catch (error) {
      this.#consumer = undefined;
      await consumer.close(true).catch(() => undefined);
      throw error;
    }
    if (consumer !== this.#consumer) {
      // The consumer failed while joining and a reconnection already replaced it.
      await stream.close().catch(() => undefined);
      throw new Error(`consumer of group ${group} failed while joining`);
    }
    this.#stream = stream;
    stream.on('data', (record: KafkaRecord) => this.#receive(record));
    stream.on('error', (error: Error) => this.#restart(consumer, error));
    stream.on('close', () => this.#restart(consumer));
    if (this.#paused) stream.pause();
  }

  #receive(record: KafkaRecord): void {
    if (this.#closing) return;
    const key = `${record.topic}/${record.partition}`;
    const expected = this.#nextOffsets.get(key);
    if (expected !== undefined && record.offset < expected) return;
    this.#nextOffsets.set(key, record.offset + 1n);
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new PartitionQueue(
        (item) => this.#handle(item),
        () => this.#handled(),
      );
      this.#queues.set(key, queue);
    }
    queue.push(record);
    this.#buffered += 1;
    if (this.#buffered >= MAX_BUFFERED && !this.#paused) {
      this.#paused = true;
      this.#stream?.pause();
    }
  }

  #handled(): void {
    this.#buffered -= 1;
    if (this.#paused && this.#buffered < RESUME_BELOW && !this.#closing) {
      this.#paused = false;
      this.#stream?.resume();
    }
  }

  async #handle(record: KafkaRecord): Promise<void> {
    const { group, handler, retry } = this.#options;
    const onError = this.#report;
    for (let failures = 0; ;) {
      // Stopping: leave the record uncommitted, the group's next member gets it again.
      if (this.#stop.signal.aborted) return;
      let event: EventEnvelope;
      try {
        event = decodeEnvelope(record.value);
      } catch (error) {
        // Retrying cannot fix a record that is not an envelope: report it and move past it.
        onError(toError(error), { group, topic: record.topic });
        break;
      }
      try {
        await handler(event);
        break;
      } catch (error) {
        failures += 1;
        onError(toError(error), { group, topic: record.topic, event, attempt: failures });
        await pause(retryDelayMs(retry, failures), this.#stop.signal);
      }
    }
    this.#commit(record);
  }

  /** Commits are coalesced per partition by the client; close() waits for the pending ones. */
  #commit(record: KafkaRecord): void {
    const pending = Promise.resolve(record.commit()).catch((error: unknown) => {
      this.#report(toError(error), { group: this.#options.group, topic: record.topic });
    });
    this.#pendingCommits.add(pending);
    void pending.finally(() => this.#pendingCommits.delete(pending));
  }

  /** The stream or the consumer died (broker gone, group error): start over with a new consumer. */
  #restart(consumer: Consumer<string, string, string, string>, error?: Error): void {
    if (error) this.#report(error, { group: this.#options.group });
    if (this.#closing || consumer !== this.#consumer || this.#reconnecting) return;
    this.#stream = undefined;
    this.#consumer = undefined;
    this.#reconnecting = this.#reconnect(consumer).finally(() => {
      this.#reconnecting = undefined;
    });
  }

  async #reconnect(failed: Consumer<string, string, string, string>): Promise<void> {
    await failed.close(true).catch(() => undefined);
    for (let attempt = 1; !this.#stop.signal.aborted; attempt += 1) {
      await pause(retryDelayMs(this.#options.retry, attempt), this.#stop.signal);
      if (this.#stop.signal.aborted) return;
      try {
        await this.#connect();
        return;
      } catch (error) {
        this.#report(toError(error), { group: this.#options.group });
      }
    }
  }

  async #close(): Promise<void> {
    this.#stop.abort();
    this.#stream?.pause();
    for (const queue of this.#queues.values()) this.#buffered -= queue.clear();
    await this.#reconnecting;
    // Handlers in progress finish (and are committed); a handler in backoff is abandoned.
    await Promise.all([...this.#queues.values()].map((queue) => queue.idle()));
    await Promise.all(this.#pendingCommits);
    const stream = this.#stream;
    const consumer = this.#consumer;
    this.#stream = undefined;
    this.#consumer = undefined;
    try {
      await stream?.close();
      // Leaving the group hands this member's partitions to the others at once.
      if (consumer)
        await withDeadline(
          consumer.close(),
          this.#options.closeTimeoutMs,
          'leaving the Kafka consumer group',
        );
    } catch (error) {
      this.#report(toError(error), { group: this.#options.group });
      await consumer?.close(true).catch(() => undefined);
    } finally {
      this.#options.onClosed();
    }
  }
}

/** Runs one partition's records strictly one after the other. */
class PartitionQueue {
  readonly #items: KafkaRecord[] = [];
  #draining: Promise<void> | undefined;

  constructor(
    private readonly process: (record: KafkaRecord) => Promise<void>,
    private readonly processed: () => void,
  ) {}

  push(record: KafkaRecord): void {
    this.#items.push(record);
    this.#draining ??= this.#drain();
  }

  /** Drops the records not started yet; returns how many. */
  clear(): number {
    return this.#items.splice(0).length;
  }

  idle(): Promise<void> {
    return this.#draining ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    try {
      for (let record = this.#items.shift(); record; record = this.#items.shift()) {
        // #handle reports its own failures; this only keeps an unexpected one from stalling the queue.
        await this.process(record).catch(() => undefined);
        this.processed();
      }
    } finally {
      this.#draining = undefined;
    }
  }
}
