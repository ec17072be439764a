import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConsumerLag, EventBus, EventEnvelope, Subscription } from '../events/events.port.js';
import { migrate } from '../sql/migrator.js';
import { PgliteDatabase } from '../sql/pglite.database.js';
import type { SqlDatabase } from '../sql/sql.port.js';
import { tempPostgresFactory } from '../sql/testing/temp-database.js';
import { appendToOutbox, countPendingOutboxEvents, type OutboxTables } from './outbox.repository.js';
import { OutboxRelay } from './outbox.relay.js';

/** Records what is published; can be taken down, held, or made to lack topics, like Kafka. */
class RecordingBus implements EventBus {
  readonly published: EventEnvelope[] = [];
  publishCalls = 0;
  down: Error | undefined;
  /** While set, publish waits for it. */
  hold: Promise<void> | undefined;
  /** When set, publishing to any other topic fails, as Kafka does for a missing topic. */
  topics: Set<string> | undefined;

  ensureTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) this.topics?.add(topic);
    return Promise.resolve();
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    this.publishCalls++;
    // Let concurrent relays interleave, as a network round trip would.
    await new Promise((resolve) => setImmediate(resolve));
    await this.hold;
    if (this.down) throw this.down;
    const missing = events.find((event) => this.topics !== undefined && !this.topics.has(event.type));
    if (missing) throw new Error(`unknown topic ${missing.type}`);
    this.published.push(...structuredClone(events));
  }

  subscribe(): Promise<Subscription> {
    return Promise.reject(new Error('RecordingBus only records what is published'));
  }

  consumerLag(): Promise<ConsumerLag[]> {
    return Promise.reject(new Error('RecordingBus only records what is published'));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

let nextId = 7_000_000_000_000_000_000n;
function envelope(type: string, key: string, payload: unknown, traceparent?: string): EventEnvelope {
  nextId += 1n;
  return {
    id: nextId.toString(),
    type,
    occurredAt: '2026-11-23T12:34:56.789Z',
    key,
    payload,
    ...(traceparent !== undefined && { traceparent }),
  };
}

function describeOutboxRelay(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`outbox relay on ${name}`, () => {
    let db: SqlDatabase;
    let k: Kysely<OutboxTables>;
    let applied: string[];
    let bus: RecordingBus;
    const relays: OutboxRelay[] = [];
    function relay(options: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
      const created = new OutboxRelay({ sql: db, bus, pollIntervalMs: 10, onError: () => {}, ...options });
      relays.push(created);
      return created;
    }

    beforeAll(async () => {
      db = await open();
      k = db.kysely<OutboxTables>();
      applied = await migrate(db, { schemas: ['outbox'] });
    });
    beforeEach(async () => {
      await Promise.all(relays.splice(0).map((r) => r.stop()));
      await k.deleteFrom('outbox.events').execute();
      bus = new RecordingBus();
    });
    afterAll(async () => {
      await Promise.all(relays.map((r) => r.stop()));
      await db?.close();
    });

    it('has the outbox table from the project migrations', async () => {
      expect(applied).toContain('outbox/20261123232000_create_outbox.sql');
      expect(await countPendingOutboxEvents(k)).toBe(0);
    });

    it('publishes events of a committed transaction once, with the whole envelope', async () => {
      const events = [
        envelope(
          'like.created',
          'post:1',
          { postId: '1', userId: '9', note: 'ünïcode 📷' },
          '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        ),
        envelope('like.created', 'post:1', [1, 'two', null]),
        envelope('follow.created', 'user:5', 'just a string'),
      ];
      await k.transaction().execute((trx) => appendToOutbox(trx, events));
      const r = relay();

      expect(await r.runOnce()).toBe(3);
      expect(await r.runOnce()).toBe(0);

      expect(bus.published).toEqual(events);
      expect(bus.published[1]).not.toHaveProperty('traceparent');
      expect(await countPendingOutboxEvents(k)).toBe(0);
    });

    it('reports the events each cycle published, in all and per topic', async () => {
      await appendToOutbox(k, [
        envelope('like.created', 'post:7', {}),
        envelope('follow.created', 'user:7', {}),
        envelope('like.created', 'post:8', {}),
      ]);
      const reports: [number, Record<string, number>][] = [];
      const r = relay({ onPublished: (n, byTopic) => reports.push([n, Object.fromEntries(byTopic)]) });

      expect(await r.runOnce()).toBe(3);
      expect(await r.runOnce()).toBe(0);
      expect(reports).toEqual([[3, { 'like.created': 2, 'follow.created': 1 }]]);
    });

    it('never publishes events of a rolled-back transaction', async () => {
      await expect(
        k.transaction().execute(async (trx) => {
          await appendToOutbox(trx, [envelope('post.published', 'user:1', { postId: '3' })]);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');

      expect(await relay().runOnce()).toBe(0);
      expect(bus.published).toEqual([]);
    });

    it('keeps events while the bus is down and publishes them once it is back', async () => {
      const events = [
        envelope('comment.created', 'post:2', { n: 1 }),
        envelope('comment.created', 'post:2', { n: 2 }),
      ];
      await k.transaction().execute((trx) => appendToOutbox(trx, events));
      bus.down = new Error('kafka is down');
      const errors: unknown[] = [];
      const published: number[] = [];
      const r = relay({ onError: (err) => errors.push(err), onPublished: (n) => published.push(n) });

      r.start();
      await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(errors[0]).toBe(bus.down);
      expect(bus.published).toEqual([]);
      expect(await countPendingOutboxEvents(k)).toBe(2);

      bus.down = undefined;
      await expect.poll(() => bus.published.length, { timeout: 10_000 }).toBe(2);
      await r.stop();

      expect(bus.published).toEqual(events);
      expect(published).toEqual([2]);
      expect(await countPendingOutboxEvents(k)).toBe(0);
    });

    it('treats a missing topic as a failed cycle', async () => {
      bus.topics = new Set(['like.created']);
      const event = envelope('brand.new', 'x:1', {});
      await appendToOutbox(k, [event]);
      const r = relay();

      await expect(r.runOnce()).rejects.toThrow('unknown topic brand.new');
      expect(await countPendingOutboxEvents(k)).toBe(1);

      await bus.ensureTopics(['brand.new']);
      expect(await r.runOnce()).toBe(1);
      expect(bus.published).toEqual([event]);
    });

    it('publishes 200 events exactly once, in key order, with two relays running at once', async () => {
      const events = Array.from({ length: 200 }, (_, i) => envelope('like.created', `post:${i % 7}`, { i }));
      for (let i = 0; i < events.length; i += 20) {
        await k.transaction().execute((trx) => appendToOutbox(trx, events.slice(i, i + 20)));
      }
      const publishedBy = [0, 0];
      const first = relay({ batchSize: 15, onPublished: (n) => (publishedBy[0]! += n) });
      const second = relay({ batchSize: 15, onPublished: (n) => (publishedBy[1]! += n) });

      first.start();
      second.start();
      await expect.poll(() => bus.published.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(200);
      await Promise.all([first.stop(), second.stop()]);

      const ids = bus.published.map((event) => event.id);
      expect(ids).toHaveLength(200);
      expect([...ids].sort()).toEqual(events.map((event) => event.id));
      expect(publishedBy[0]! + publishedBy[1]!).toBe(200);
      for (let key = 0; key < 7; key++) {
        const ofKey = bus.published
          .filter((event) => event.key === `post:${key}`)
          .map((event) => BigInt(event.id));
        expect(ofKey).toEqual([...ofKey].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      expect(await countPendingOutboxEvents(k)).toBe(0);
    });

    it('stop() lets the cycle in progress finish', async () => {
      let release = (): void => {};
      bus.hold = new Promise<void>((resolve) => (release = resolve));
      await appendToOutbox(k, [
        envelope('media.ready', 'media:1', {}),
        envelope('media.ready', 'media:2', {}),
      ]);
      const r = relay();

      r.start();
      await expect.poll(() => bus.publishCalls).toBe(1);
      let stopped = false;
      const stopping = r.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      release();
      await stopping;

      expect(bus.published).toHaveLength(2);
      expect(await countPendingOutboxEvents(k)).toBe(0);
    });

    it('wake() runs a cycle without waiting for the poll interval', async () => {
      const r = relay({ pollIntervalMs: 600_000 });
      const before = envelope('post.published', 'user:2', {});
      await appendToOutbox(k, [before]);
      r.start();
      // The first cycle publishes it, then the relay would sleep for ten minutes.
      await expect.poll(() => bus.published.length).toBe(1);

      const after = envelope('post.published', 'user:2', {});
      await appendToOutbox(k, [after]);
      r.wake();

      await expect.poll(() => bus.published.length, { timeout: 10_000 }).toBe(2);
      expect(bus.published).toEqual([before, after]);
      await r.stop();
    });

    it('appends more events than one statement can carry', async () => {
      const events = Array.from({ length: 2500 }, (_, i) => envelope('like.created', `post:${i}`, { i }));

      await k.transaction().execute((trx) => appendToOutbox(trx, events));

      expect(await countPendingOutboxEvents(k)).toBe(2500);
    });
  });
}

describeOutboxRelay('pglite', () => PgliteDatabase.open());
describeOutboxRelay('postgres', tempPostgresFactory());
