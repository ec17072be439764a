import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EventBusClosedError, InvalidEnvelopeError, UnknownTopicError } from './event-bus.errors.js';
import type { EventBus, EventEnvelope, EventHandler, Subscription } from './events.port.js';

export interface EventBusUnderTest {
  bus: EventBus;
  /** Runs after the suite has closed `bus`: delete topics and groups, stop servers. */
  cleanup?: () => Promise<void>;
}

export type EventBusFactory = () => Promise<EventBusUnderTest>;

/**
 * Polls until `check` holds. The limit only stops a broken adapter from hanging the run: it is
 * generous because joining a Kafka consumer group takes seconds on a busy machine.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 45_000,
): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for: ${what}`);
    await sleep(25);
  }
}

/** A random 63-bit decimal id, the shape of the real ones. */
export function eventId(): string {
  return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
}

export function envelope(type: string, key: string, payload: unknown, traceparent?: string): EventEnvelope {
  const event: EventEnvelope = { id: eventId(), type, occurredAt: new Date().toISOString(), key, payload };
  if (traceparent !== undefined) event.traceparent = traceparent;
  return event;
}

/** Records what a handler saw, in delivery order. */
class Inbox {
  readonly events: EventEnvelope[] = [];

  readonly handler: EventHandler = (event) => {
    this.events.push(event);
    return Promise.resolve();
  };

  ids(): Set<string> {
    return new Set(this.events.map((e) => e.id));
  }

  hasAll(events: readonly EventEnvelope[]): boolean {
    const seen = this.ids();
    return events.every((e) => seen.has(e.id));
  }
}

/**
 * The behaviour every event bus adapter must have, written against Kafka's semantics. Each test
 * gets a fresh bus from `factory`; topic and group names carry a random per-run suffix so that
 * runs against one broker never see each other's data.
 */
export function describeEventBusContract(name: string, factory: EventBusFactory): void {
  describe(`EventBus contract: ${name}`, { timeout: 90_000 }, () => {
    const run = randomUUID().slice(0, 8);
    let counter = 0;
    const unique = (label: string): string => {
      counter += 1;
      return `contract.${label}.${run}.${counter}`;
    };
    let subject: EventBusUnderTest | undefined;
    let bus: EventBus;

    beforeEach(async () => {
      subject = await factory();
      bus = subject.bus;
    });

    afterEach(async () => {
      try {
        await subject?.bus.close();
      } finally {
        await subject?.cleanup?.();
        subject = undefined;
      }
    });

    async function topic(label: string): Promise<string> {
      const name = unique(label);
      await bus.ensureTopics([name]);
      return name;
    }

    async function subscribe(group: string, topics: string[], handler: EventHandler): Promise<Subscription> {
      return bus.subscribe({ group, topics, handler });
    }

    it('answers ping', async () => {
      await expect(bus.ping()).resolves.toBeUndefined();
    });

    it('creates topics idempotently', async () => {
      const a = unique('ensure-a');
      const b = unique('ensure-b');
      await bus.ensureTopics([a, b]);
      await bus.ensureTopics([a, b]);
      await bus.ensureTopics([b]);
      await bus.ensureTopics([]);
      const inbox = new Inbox();
      await subscribe(unique('ensure-group'), [a, b], inbox.handler);
      const events = [envelope(a, 'k', 1), envelope(b, 'k', 2)];
      await bus.publish(events);
      await eventually(() => inbox.hasAll(events), 'both events');
    });

    it('refuses topics that were not created, on publish and on subscribe', async () => {
      const known = await topic('known');
      const missing = unique('never-created');
      await expect(bus.publish([envelope(missing, 'k', {})])).rejects.toBeInstanceOf(UnknownTopicError);
      // All or nothing: the valid event of a refused batch is not published either.
      const inbox = new Inbox();
      await subscribe(unique('unknown-group'), [known], inbox.handler);
      await expect(
        bus.publish([envelope(known, 'k', 'refused'), envelope(missing, 'k', {})]),
      ).rejects.toBeInstanceOf(UnknownTopicError);
      await expect(
        bus.subscribe({ group: unique('g'), topics: [missing], handler: inbox.handler }),
      ).rejects.toBeInstanceOf(UnknownTopicError);
      const accepted = envelope(known, 'k', 'accepted');
      await bus.publish([accepted]);
      await eventually(() => inbox.hasAll([accepted]), 'the accepted event');
      expect(inbox.events.map((e) => e.payload)).toEqual(['accepted']);
    });

    it('refuses envelopes that cannot travel as JSON', async () => {
      const t = await topic('invalid');
      await expect(bus.publish([{ ...envelope(t, 'k', null), payload: undefined }])).rejects.toBeInstanceOf(
        InvalidEnvelopeError,
      );
      await expect(bus.publish([envelope(t, 'k', { n: 1n })])).rejects.toBeInstanceOf(InvalidEnvelopeError);
      await expect(bus.publish([{ ...envelope(t, 'k', 1), id: '' }])).rejects.toBeInstanceOf(
        InvalidEnvelopeError,
      );
    });

    it('delivers the envelope intact, as JSON', async () => {
      const t = await topic('intact');
      const inbox = new Inbox();
      await subscribe(unique('intact-group'), [t], inbox.handler);
      const traced = envelope(
        t,
        'user:42',
        { postId: '7301', nested: { tags: ['a', 'b'], n: 1.5, ok: true, none: null }, text: 'héllo ✓' },
        '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      );
      const untraced = envelope(t, 'user:42', { at: new Date('2024-05-01T10:00:00.000Z') });
      await bus.publish([traced, untraced]);
      await eventually(() => inbox.events.length >= 2, 'two events');
      expect(inbox.events[0]).toEqual(traced);
      expect(inbox.events[1]).toEqual({ ...untraced, payload: { at: '2024-05-01T10:00:00.000Z' } });
      expect(inbox.events[1]).not.toHaveProperty('traceparent');
    });

    it('gives every group every event, including a group that subscribes later', async () => {
      const t = await topic('groups');
      const early = new Inbox();
      await subscribe(unique('early'), [t], early.handler);
      const events = Array.from({ length: 12 }, (_, i) => envelope(t, `key-${i % 5}`, i));
      await bus.publish(events);
      const late = new Inbox();
      await subscribe(unique('late'), [t], late.handler);
      await eventually(() => early.hasAll(events) && late.hasAll(events), 'all events in both groups');
      expect(early.events).toHaveLength(events.length);
      expect(late.events).toHaveLength(events.length);
    });

    it('keeps the order of each key over many events and batches', async () => {
      const t = await topic('order');
      const keys = ['alpha', 'bravo', 'charlie', 'delta'];
      const perKey = 40;
      const seen = new Map<string, number[]>(keys.map((k) => [k, []]));
      await subscribe(unique('order-group'), [t], async (event) => {
        // Yield mid-handler so that a bus delivering one key's events concurrently would reorder.
        await sleep(0);
        seen.get(event.key)!.push(event.payload as number);
      });
      for (let start = 0; start < perKey; start += 8) {
        const batch: EventEnvelope[] = [];
        for (let seq = start; seq < start + 8; seq += 1)
          for (const key of keys) batch.push(envelope(t, key, seq));
        await bus.publish(batch);
      }
      const expected = Array.from({ length: perKey }, (_, i) => i);
      await eventually(() => keys.every((k) => seen.get(k)!.length >= perKey), 'every event of every key');
      for (const key of keys) expect(seen.get(key)).toEqual(expected);
    });

    it('redelivers an event whose handler threw, before the later events of its key', async () => {
      const t = await topic('retry');
      const attempts: string[] = [];
      let failuresLeft = 2;
      const [first, second, third] = [envelope(t, 'k', 1), envelope(t, 'k', 2), envelope(t, 'k', 3)];
      await subscribe(unique('retry-group'), [t], (event) => {
        attempts.push(event.id);
        if (event.id === first.id && failuresLeft > 0) {
          failuresLeft -= 1;
          return Promise.reject(new Error('handler failure (expected by the test)'));
        }
        return Promise.resolve();
      });
      await bus.publish([first, second, third]);
      await eventually(() => attempts.includes(third.id), 'the third event');
      expect(attempts).toEqual([first.id, first.id, first.id, second.id, third.id]);
    });

    it('lets other keys proceed while one key is being retried', async () => {
      const t = await topic('retry-isolation');
      const events = Array.from({ length: 30 }, (_, i) => envelope(t, `free-${i}`, i));
      const stuck = envelope(t, 'blocked-key', 'stuck');
      let release = false;
      const inbox = new Inbox();
      await subscribe(unique('isolation-group'), [t], async (event) => {
        if (event.id === stuck.id && !release) throw new Error('handler failure (expected by the test)');
        await inbox.handler(event);
      });
      await bus.publish([stuck, ...events]);
      // 30 keys spread over every partition: those not sharing the stuck key's partition get through.
      await eventually(() => inbox.events.length >= 5, 'events of other partitions');
      expect(inbox.ids().has(stuck.id)).toBe(false);
      release = true;
      await eventually(() => inbox.hasAll([stuck, ...events]), 'everything once released');
    });

    it('shares the events of a group among its members', async () => {
      const t = await topic('share');
      const group = unique('share-group');
      const a = new Inbox();
      const b = new Inbox();
      await subscribe(group, [t], a.handler);
      await subscribe(group, [t], b.handler);
      // Keep publishing until both members have work: on Kafka the second member gets its
      // partitions only once the group has rebalanced (and may see again what the first one had
      // not committed yet: at least once).
      let warmUp = 0;
      await eventually(async () => {
        warmUp += 1;
        await bus.publish(Array.from({ length: 6 }, (_, i) => envelope(t, `warm-up-${warmUp}-${i}`, i)));
        await sleep(200);
        return a.events.length > 0 && b.events.length > 0;
      }, 'both members to receive events');
      const batch = Array.from({ length: 24 }, (_, i) => envelope(t, `user-${i}`, i));
      await bus.publish(batch);
      const inA = (e: EventEnvelope) => a.ids().has(e.id);
      const inB = (e: EventEnvelope) => b.ids().has(e.id);
      await eventually(() => batch.every((e) => inA(e) || inB(e)), 'every event of the batch in the group');
      // Two separate groups would each get the whole batch.
      expect(batch.filter(inA).length).toBeLessThan(batch.length);
      expect(batch.filter(inB).length).toBeLessThan(batch.length);
    });

    it('resumes a group from its committed position after its subscription closed', async () => {
      const t = await topic('resume');
      const group = unique('resume-group');
      const before = Array.from({ length: 5 }, (_, i) => envelope(t, 'same-key', `before-${i}`));
      const first = new Inbox();
      const subscription = await subscribe(group, [t], first.handler);
      await bus.publish(before);
      await eventually(() => first.hasAll(before), 'the first events');
      await subscription.close();

      const after = Array.from({ length: 3 }, (_, i) => envelope(t, 'same-key', `after-${i}`));
      await bus.publish(after);
      const second = new Inbox();
      await subscribe(group, [t], second.handler);
      await eventually(() => second.hasAll(after), 'the later events');
      // One key, one partition: a replay of the committed events would have come first.
      expect(second.events.map((e) => e.payload)).toEqual(['after-0', 'after-1', 'after-2']);
      expect(first.events).toHaveLength(before.length);
    });

    it('waits for the running handler on close, commits it, and delivers nothing more', async () => {
      const t = await topic('close');
      const group = unique('close-group');
      const log: string[] = [];
      let started = false;
      let finish!: () => void;
      const blocker = new Promise<void>((resolve) => (finish = resolve));
      const subscription = await subscribe(group, [t], async (event) => {
        log.push(`start ${String(event.payload)}`);
        started = true;
        await blocker;
        log.push(`end ${String(event.payload)}`);
      });
      await bus.publish([envelope(t, 'k', 'one')]);
      await eventually(() => started, 'the handler to start');
      const closed = subscription.close().then(() => log.push('closed'));
      await sleep(50);
      expect(log).toEqual(['start one']);
      finish();
      await closed;
      expect(log).toEqual(['start one', 'end one', 'closed']);
      await subscription.close();

      // The closed member gets nothing more; the group's next member starts after 'one'.
      const next = new Inbox();
      await subscribe(group, [t], next.handler);
      const two = envelope(t, 'k', 'two');
      await bus.publish([two]);
      await eventually(() => next.hasAll([two]), 'the next event in the new member');
      expect(next.events.map((e) => e.payload)).toEqual(['two']);
      expect(log).toEqual(['start one', 'end one', 'closed']);
    });

    it('does not count an event as consumed until a handler succeeded, even across a close', async () => {
      const t = await topic('uncommitted');
      const group = unique('uncommitted-group');
      const failing = envelope(t, 'k', 'failing');
      const behind = envelope(t, 'k', 'behind');
      let failedAttempts = 0;
      const first = await subscribe(group, [t], () => {
        failedAttempts += 1;
        return Promise.reject(new Error('handler failure (expected by the test)'));
      });
      await bus.publish([failing, behind]);
      await eventually(() => failedAttempts >= 2, 'a failure and a retry');
      // Closing abandons the retries; the event is still the group's to consume.
      await first.close();
      const next = new Inbox();
      await subscribe(group, [t], next.handler);
      await eventually(() => next.hasAll([failing, behind]), 'both events in the next member');
      expect(next.events.map((e) => e.payload)).toEqual(['failing', 'behind']);
    });

    it('reports how many events each group has not consumed yet, those being handled included', async () => {
      const t = await topic('lag');
      const group = unique('lag-group');
      const bystander = unique('lag-never-subscribed');
      let started = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const subscription = await subscribe(group, [t], async () => {
        started += 1;
        await gate;
      });
      await bus.publish(Array.from({ length: 5 }, (_, i) => envelope(t, `key-${i}`, i)));
      await eventually(() => started > 0, 'a handler to start');
      expect(await bus.consumerLag([group, bystander])).toEqual([
        { group, lag: 5 },
        { group: bystander, lag: 0 },
      ]);

      release();
      await eventually(async () => (await bus.consumerLag([group]))[0]?.lag === 0, 'the lag to drain');
      // A group without members keeps its position: what is published meanwhile waits for it.
      await subscription.close();
      await bus.publish([envelope(t, 'key-a', 'a'), envelope(t, 'key-b', 'b')]);
      expect(await bus.consumerLag([group])).toEqual([{ group, lag: 2 }]);
      await expect(bus.consumerLag([''])).rejects.toBeInstanceOf(TypeError);
      expect(await bus.consumerLag([])).toEqual([]);
    });

    it('refuses every call once closed, and closes twice without harm', async () => {
      const t = await topic('closed-bus');
      const inbox = new Inbox();
      await subscribe(unique('closed-group'), [t], inbox.handler);
      await bus.close();
      await bus.close();
      await expect(bus.publish([envelope(t, 'k', 1)])).rejects.toBeInstanceOf(EventBusClosedError);
      await expect(bus.subscribe({ group: 'g', topics: [t], handler: inbox.handler })).rejects.toBeInstanceOf(
        EventBusClosedError,
      );
      await expect(bus.ensureTopics([t])).rejects.toBeInstanceOf(EventBusClosedError);
      await expect(bus.ping()).rejects.toBeInstanceOf(EventBusClosedError);
      await expect(bus.consumerLag(['closed-group'])).rejects.toBeInstanceOf(EventBusClosedError);
    });
  });
}
