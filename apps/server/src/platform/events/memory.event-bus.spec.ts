import { describe, expect, it } from 'vitest';

import { envelope, eventually, describeEventBusContract } from './events.contract.js';
import type { EventEnvelope } from './events.port.js';
import { MemoryEventBus } from './memory.event-bus.js';

describeEventBusContract('MemoryEventBus', () => Promise.resolve({ bus: new MemoryEventBus() }));

function collect<T>(into: T[], item: T): Promise<void> {
  into.push(item);
  return Promise.resolve();
}

describe('MemoryEventBus memory bounds', () => {
  it('drops what every group consumed, keeping retainConsumed events for later groups', async () => {
    const bus = new MemoryEventBus({ partitions: 1, retainConsumed: 5 });
    try {
      await bus.ensureTopics(['bounded']);
      const seen: EventEnvelope[] = [];
      await bus.subscribe({ group: 'g1', topics: ['bounded'], handler: (e) => collect(seen, e) });
      const events = Array.from({ length: 100 }, (_, i) => envelope('bounded', `k${i}`, i));
      await bus.publish(events);
      await eventually(() => seen.length === 100, 'all events', 5000);
      await eventually(() => bus.retainedCount('bounded') === 5, 'the consumed events to be dropped', 5000);

      const late: unknown[] = [];
      await bus.subscribe({ group: 'g2', topics: ['bounded'], handler: (e) => collect(late, e.payload) });
      await eventually(() => late.length === 5, 'the retained events in a new group', 5000);
      expect(late).toEqual([95, 96, 97, 98, 99]);
    } finally {
      await bus.close();
    }
  });

  it('keeps what a group has not consumed, up to maxRetained, then skips that group ahead', async () => {
    const bus = new MemoryEventBus({ partitions: 1, retainConsumed: 0, maxRetained: 10 });
    try {
      await bus.ensureTopics(['capped']);
      let open = false;
      const seen: unknown[] = [];
      await bus.subscribe({
        group: 'slow',
        topics: ['capped'],
        handler: (e) => {
          if (!open) return Promise.reject(new Error('not yet (expected by the test)'));
          return collect(seen, e.payload);
        },
      });
      await bus.publish(Array.from({ length: 50 }, (_, i) => envelope('capped', 'k', i)));
      expect(bus.retainedCount('capped')).toBe(10);
      // Only what is still retained can be consumed.
      expect(await bus.consumerLag(['slow'])).toEqual([{ group: 'slow', lag: 10 }]);
      open = true;
      await eventually(() => seen.length === 10, 'the retained events', 10_000);
      // The event being retried when the cap hit was dropped: the group went on from the oldest left.
      expect(seen).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
      await eventually(() => bus.retainedCount('capped') === 0, 'the consumed events to be dropped', 5000);
    } finally {
      await bus.close();
    }
  });

  it('with no group at all keeps only the last retainConsumed events', async () => {
    const bus = new MemoryEventBus({ partitions: 2, retainConsumed: 3 });
    try {
      await bus.ensureTopics(['nobody']);
      await bus.publish(Array.from({ length: 40 }, (_, i) => envelope('nobody', `k${i}`, i)));
      expect(bus.retainedCount('nobody')).toBe(6);
    } finally {
      await bus.close();
    }
  });
});

describe('MemoryEventBus retries', () => {
  it('backs off exponentially up to the cap and reports each failure', async () => {
    const failures: number[] = [];
    const bus = new MemoryEventBus({
      retry: { initialDelayMs: 1, maxDelayMs: 4 },
      onError: (_error, context) => failures.push(context.attempt ?? -1),
    });
    try {
      await bus.ensureTopics(['flaky']);
      let calls = 0;
      await bus.subscribe({
        group: 'g',
        topics: ['flaky'],
        handler: () => {
          calls += 1;
          if (calls <= 6) return Promise.reject(new Error('handler failure (expected by the test)'));
          return Promise.resolve();
        },
      });
      await bus.publish([envelope('flaky', 'k', null)]);
      await eventually(() => calls === 7, 'the seventh attempt', 5000);
      expect(failures).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await bus.close();
    }
  });
});
