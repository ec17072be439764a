/* eslint-disable @typescript-eslint/require-await -- the port is asynchronous; `async` turns the
   validation errors thrown by these synchronous methods into rejections, as callers expect. */
import {
  type EventBusErrorListener,
  pause,
  type RetryPolicy,
  retryDelayMs,
  retryPolicy,
  safeListener,
  toError,
} from './delivery.retry.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.codec.js';
import {
  assertGroupName,
  assertTopicName,
  EventBusClosedError,
  UnknownTopicError,
} from './event-bus.errors.js';
import type {
  ConsumerLag,
  EventBus,
  EventEnvelope,
  EventHandler,
  SubscribeOptions,
  Subscription,
} from './events.port.js';

export interface MemoryEventBusOptions {
  /**
   * Partitions per topic (by key hash): one key's events stay in order, and a handler stuck on
   * one key holds back only its partition. Default 3, like the local Kafka broker.
   */
  partitions?: number;
  /**
   * Events every group has consumed that are still kept, per partition, for groups that
   * subscribe later (a new group starts from the earliest retained event, as on Kafka with
   * auto.offset.reset=earliest). Default 1000.
   */
  retainConsumed?: number;
  /**
   * Hard cap per partition, the counterpart of Kafka's retention: past it the oldest events are
   * dropped even when a group has not consumed them, and that group skips to the oldest one left.
   * Default 100 000.
   */
  maxRetained?: number;
  retry?: Partial<RetryPolicy>;
  onError?: EventBusErrorListener;
}

/**
 * The events port in process, for the monolith on embedded infrastructure. It models Kafka
 * rather than an event emitter so that code tested against it behaves the same on Kafka:
 * topics must exist, events are partitioned by key, each consumer group keeps its own committed
 * offset per partition (kept while the group has no member), members of a group split the
 * partitions, and an event is committed only once its handler resolved.
 * Nothing survives the process: the outbox is what makes events durable on embedded setups.
 */
export class MemoryEventBus implements EventBus {
  readonly #topics = new Map<string, TopicLog>();
  readonly #groups = new Map<string, Group>();
  readonly #partitions: number;
  readonly #retainConsumed: number;
  readonly #maxRetained: number;
  readonly #retry: RetryPolicy;
  readonly #onError: EventBusErrorListener;
  #closing: Promise<void> | undefined;

  constructor(options: MemoryEventBusOptions = {}) {
    this.#partitions = positiveInteger(options.partitions ?? 3, 'partitions');
    this.#retainConsumed = nonNegativeInteger(options.retainConsumed ?? 1000, 'retainConsumed');
    this.#maxRetained = positiveInteger(options.maxRetained ?? 100_000, 'maxRetained');
    this.#retry = retryPolicy(options.retry);
    this.#onError = safeListener(options.onError);
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    this.#assertOpen();
    topics.forEach(assertTopicName);
    for (const name of topics) {
      if (!this.#topics.has(name)) this.#topics.set(name, new TopicLog(name, this.#partitions));
    }
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    this.#assertOpen();
    // All or nothing: every event is encoded and routed before the first one is appended.
    const routed = events.map((event) => {
      const text = encodeEnvelope(event);
      const topic = this.#topics.get(event.type);
      if (!topic) throw new UnknownTopicError(event.type);
      return { topic, partition: partitionOf(event.key, topic.partitions.length), text };
    });
    for (const { topic, partition, text } of routed) {
      topic.partitions[partition]!.append(text);
      this.#trim(topic, partition);
      for (const group of this.#groups.values()) group.worker(topic.name, partition)?.notify();
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#assertOpen();
    assertGroupName(options.group);
    if (options.topics.length === 0) throw new TypeError('subscribe needs at least one topic');
    const topics = [...new Set(options.topics)].map((name) => {
      const topic = this.#topics.get(name);
      if (!topic) throw new UnknownTopicError(name);
      return topic;
    });
    let group = this.#groups.get(options.group);
    if (!group) {
      group = new Group(options.group);
      this.#groups.set(options.group, group);
    }
    const member = new Member(group, new Set(topics.map((t) => t.name)), options.handler);
    group.join(member, topics, (topic, partition) => this.#startWorker(group, topic, partition));
    return member;
  }

  async consumerLag(groups: readonly string[]): Promise<ConsumerLag[]> {
    this.#assertOpen();
    groups.forEach(assertGroupName);
    return groups.map((group) => ({ group, lag: this.#groups.get(group)?.lag(this.#topics) ?? 0 }));
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Events currently held for `topic`, all partitions together (for tests and metrics). */
  retainedCount(topic: string): number {
    const log = this.#topics.get(topic);
    if (!log) throw new UnknownTopicError(topic);
    return log.partitions.reduce((sum, partition) => sum + partition.size, 0);
  }

  async #close(): Promise<void> {
    const groups = [...this.#groups.values()];
    await Promise.all(groups.flatMap((group) => group.members.map((member) => member.close())));
    const workers = groups.flatMap((group) => group.workers());
    workers.forEach((worker) => worker.stop());
    await Promise.all(workers.map((worker) => worker.done));
  }

  #assertOpen(): void {
    if (this.#closing) throw new EventBusClosedError();
  }

  #startWorker(group: Group, topic: TopicLog, partition: number): PartitionWorker {
    return new PartitionWorker(group, topic, partition, {
      retry: this.#retry,
      onError: this.#onError,
      committed: () => this.#trim(topic, partition),
    });
  }

  /** Drops what every group has consumed, beyond the events kept for future groups. */
  #trim(topic: TopicLog, partition: number): void {
    const log = topic.partitions[partition]!;
    let slowest = log.end;
    for (const group of this.#groups.values()) {
      const offset = group.committed(topic.name, partition);
      if (offset !== undefined && offset < slowest) slowest = offset;
    }
    const keepFrom = Math.max(Math.min(slowest, log.end - this.#retainConsumed), log.end - this.#maxRetained);
    log.dropBefore(keepFrom);
  }
}

/** One partition's events as an offset-addressed window over an array. */
class PartitionLog {
  /** Offset of the oldest retained event. */
  start = 0;
  #events: string[] = [];
  #head = 0;

  get end(): number {
    return this.start + this.size;
  }

  get size(): number {
    return this.#events.length - this.#head;
  }

  append(text: string): void {
    this.#events.push(text);
  }

  read(offset: number): string | undefined {
    if (offset < this.start || offset >= this.end) return undefined;
    return this.#events[this.#head + offset - this.start];
  }

  dropBefore(offset: number): void {
    const target = Math.min(offset, this.end);
    if (target <= this.start) return;
    this.#head += target - this.start;
    this.start = target;
    // Compact once the dropped prefix is most of the array: amortised O(1) per event, and at
    // most about as many dead slots as live ones.
    if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }
}

class TopicLog {
  readonly partitions: PartitionLog[];

  constructor(
    readonly name: string,
    partitions: number,
  ) {
    this.partitions = Array.from({ length: partitions }, () => new PartitionLog());
  }
}

class Group {
  readonly members: Member[] = [];
  /** Next offset to consume per topic and partition; kept when every member has left, like Kafka's. */
  readonly #committed = new Map<string, number[]>();
  readonly #workers = new Map<string, PartitionWorker>();
  readonly #owners = new Map<string, Member>();

  constructor(readonly name: string) {}

  committed(topic: string, partition: number): number | undefined {
    return this.#committed.get(topic)?.[partition];
  }

  /**
   * Events past the committed offset on every partition of the group's topics: those waiting
   * and the one being handled (committed only once its handler resolved). Where the cap dropped
   * events the group never consumed, it goes on from the oldest one left.
   */
  lag(topics: ReadonlyMap<string, TopicLog>): number {
    let lag = 0;
    for (const [name, offsets] of this.#committed) {
      topics.get(name)?.partitions.forEach((log, partition) => {
        lag += log.end - Math.max(offsets[partition] ?? log.start, log.start);
      });
    }
    return lag;
  }

  commit(topic: string, partition: number, offset: number): void {
    const offsets = this.#committed.get(topic);
    if (offsets) offsets[partition] = offset;
  }

  owner(topic: string, partition: number): Member | undefined {
    return this.#owners.get(partitionKey(topic, partition));
  }

  worker(topic: string, partition: number): PartitionWorker | undefined {
    return this.#workers.get(partitionKey(topic, partition));
  }

  workers(): PartitionWorker[] {
    return [...this.#workers.values()];
  }

  join(
    member: Member,
    topics: readonly TopicLog[],
    startWorker: (topic: TopicLog, partition: number) => PartitionWorker,
  ): void {
    this.members.push(member);
    for (const topic of topics) {
      // A group seen for the first time starts from the earliest retained event.
      if (!this.#committed.has(topic.name))
        this.#committed.set(
          topic.name,
          topic.partitions.map((log) => log.start),
        );
      topic.partitions.forEach((_, partition) => {
        const key = partitionKey(topic.name, partition);
        if (!this.#workers.has(key)) this.#workers.set(key, startWorker(topic, partition));
      });
    }
    this.#rebalance();
  }

  leave(member: Member): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    this.#rebalance();
  }

  /** Round-robin over every subscribed partition, among the members subscribed to its topic. */
  #rebalance(): void {
    this.#owners.clear();
    let turn = 0;
    for (const key of this.#workers.keys()) {
      const topic = key.slice(0, key.lastIndexOf('/'));
      const candidates = this.members.filter((member) => member.topics.has(topic));
      if (candidates.length === 0) continue;
      this.#owners.set(key, candidates[turn % candidates.length]!);
      turn += 1;
    }
    for (const worker of this.#workers.values()) worker.interrupt();
  }
}

class Member implements Subscription {
  readonly #inflight = new Set<Promise<void>>();
  #closed = false;

  constructor(
    readonly group: Group,
    readonly topics: ReadonlySet<string>,
    readonly handler: EventHandler,
  ) {}

  /** Runs the handler; rejects with what it threw. */
  async deliver(event: EventEnvelope): Promise<void> {
    let running: Promise<void>;
    try {
      running = Promise.resolve(this.handler(event));
    } catch (err) {
      running = Promise.reject(toError(err));
    }
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.#inflight.add(settled);
    try {
      await running;
    } finally {
      this.#inflight.delete(settled);
    }
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.group.leave(this);
    }
    await Promise.all(this.#inflight);
  }
}

interface WorkerContext {
  retry: RetryPolicy;
  onError: EventBusErrorListener;
  committed: () => void;
}

/** Delivers one partition of one topic to whichever member of the group owns it, in order. */
class PartitionWorker {
  readonly done: Promise<void>;
  #stopped = false;
  #wake: (() => void) | undefined;
  #backoff: AbortController | undefined;

  constructor(
    private readonly group: Group,
    private readonly topic: TopicLog,
    private readonly partition: number,
    private readonly context: WorkerContext,
  ) {
    this.done = this.#run();
  }

  /** A new event: wakes the worker if it is idle (a retry backoff keeps its pace). */
  notify(): void {
    this.#wake?.();
  }

  /** The owner changed or the bus stops: re-evaluate now, cutting a backoff short. */
  interrupt(): void {
    this.#wake?.();
    this.#backoff?.abort();
  }

  stop(): void {
    this.#stopped = true;
    this.interrupt();
  }

  async #run(): Promise<void> {
    const log = this.topic.partitions[this.partition]!;
    let failures = 0;
    while (!this.#stopped) {
      let offset = this.group.committed(this.topic.name, this.partition) ?? log.start;
      if (offset < log.start) {
        // The cap dropped events this group never consumed: go on from the oldest one left.
        offset = log.start;
        this.group.commit(this.topic.name, this.partition, offset);
      }
      const owner = this.group.owner(this.topic.name, this.partition);
      const text = owner ? log.read(offset) : undefined;
      if (!owner || text === undefined) {
        // No await between the checks above and registering the waker: no wake-up is lost.
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      const event = decodeEnvelope(text);
      try {
        await owner.deliver(event);
      } catch (err) {
        failures += 1;
        this.context.onError(toError(err), {
          group: this.group.name,
          topic: this.topic.name,
          event,
          attempt: failures,
        });
        this.#backoff = new AbortController();
        await pause(retryDelayMs(this.context.retry, failures), this.#backoff.signal);
        this.#backoff = undefined;
        continue;
      }
      failures = 0;
      this.group.commit(this.topic.name, this.partition, offset + 1);
      this.context.committed();
    }
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** FNV-1a over the key's UTF-16 code units: stable across runs and processes. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}
