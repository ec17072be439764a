import { createServer } from 'node:net';

import { Admin } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';

import { describeEventBusContract, envelope } from './events.contract.js';
import type { EventBus, SubscribeOptions, Subscription } from './events.port.js';
import { KafkaEventBus, type KafkaEventBusOptions } from './kafka.event-bus.js';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const HINT = 'Start it with `npm run services:up` or point KAFKA_BROKERS at one.';

/** A bus that fails loudly when the broker is not there: the spec must fail, not skip. */
async function connectOrFail(options: Partial<KafkaEventBusOptions> = {}): Promise<KafkaEventBus> {
  const bus = new KafkaEventBus({ brokers: BROKERS, clientId: 'glimpse-test', ...options });
  try {
    await bus.ping();
  } catch (err) {
    await bus.close();
    throw new Error(`Kafka at ${BROKERS.join(',')} is unreachable (${(err as Error).message}). ${HINT}`, {
      cause: err,
    });
  }
  return bus;
}

/** Forwards to the bus and remembers the topics and groups it touched, to delete them afterwards. */
class RecordingBus implements EventBus {
  readonly topics = new Set<string>();
  readonly groups = new Set<string>();

  constructor(private readonly inner: EventBus) {}

  ensureTopics(topics: readonly string[]): Promise<void> {
    topics.forEach((t) => this.topics.add(t));
    return this.inner.ensureTopics(topics);
  }

  publish: EventBus['publish'] = (events) => this.inner.publish(events);

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.groups.add(options.group);
    return this.inner.subscribe(options);
  }

  consumerLag: EventBus['consumerLag'] = (groups) => this.inner.consumerLag(groups);
  ping: EventBus['ping'] = () => this.inner.ping();
  close: EventBus['close'] = () => this.inner.close();
}

async function deleteTestData(topics: Set<string>, groups: Set<string>): Promise<void> {
  const admin = new Admin({ clientId: 'glimpse-test-cleanup', bootstrapBrokers: BROKERS });
  try {
    // Groups first: a group is deletable once its members have left, which close() waited for.
    if (groups.size > 0) await admin.deleteGroups({ groups: [...groups] }).catch(() => undefined);
    const existing = new Set(await admin.listTopics());
    const doomed = [...topics].filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.close();
  }
}

describeEventBusContract('KafkaEventBus', async () => {
  const bus = new RecordingBus(await connectOrFail({ retry: { initialDelayMs: 50, maxDelayMs: 1000 } }));
  return { bus, cleanup: () => deleteTestData(bus.topics, bus.groups) };
});

describe('KafkaEventBus against a real broker', () => {
  it('creates topics with the requested partitions', async () => {
    const bus = await connectOrFail({ partitions: 2 });
    const topic = `kafka-spec.partitions.${Date.now()}.${Math.random().toString(36).slice(2, 8)}`;
    const admin = new Admin({ clientId: 'glimpse-test', bootstrapBrokers: BROKERS });
    try {
      await bus.ensureTopics([topic]);
      const metadata = await admin.metadata({ topics: [topic] });
      expect(metadata.topics.get(topic)?.partitionsCount).toBe(2);
    } finally {
      await bus.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.close();
    }
  });
});

describe('KafkaEventBus when nothing listens', () => {
  it('rejects ping, publish, ensureTopics, subscribe and consumerLag instead of hanging, and closes', async () => {
    const port = await freePort();
    const bus = new KafkaEventBus({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'glimpse-test',
      requestTimeoutMs: 2_000,
      setupTimeoutMs: 4_000,
    });
    try {
      await expect(bus.ping()).rejects.toThrow();
      await expect(bus.publish([envelope('any.topic', 'k', 1)])).rejects.toThrow();
      await expect(bus.ensureTopics(['any.topic'])).rejects.toThrow();
      await expect(
        bus.subscribe({ group: 'g', topics: ['any.topic'], handler: () => Promise.resolve() }),
      ).rejects.toThrow();
      await expect(bus.consumerLag(['g'])).rejects.toThrow();
    } finally {
      await bus.close();
    }
  });
});

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
