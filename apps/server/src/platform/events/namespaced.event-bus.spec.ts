import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { EventEnvelope } from './events.port.js';
import { MemoryEventBus } from './memory.event-bus.js';
import { NamespacedEventBus } from './namespaced.event-bus.js';

const event = (id: string): EventEnvelope => ({
  id,
  type: 'post.published',
  key: 'k',
  occurredAt: new Date(0).toISOString(),
  payload: { id },
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('NamespacedEventBus', () => {
  let shared: MemoryEventBus;
  beforeEach(() => {
    shared = new MemoryEventBus();
  });
  afterEach(async () => {
    await shared.close().catch(() => undefined);
  });

  it('keeps deployments on one bus apart, topics and consumer groups alike', async () => {
    const staging = new NamespacedEventBus(shared, 'staging');
    const production = new NamespacedEventBus(shared, 'production');
    await staging.ensureTopics(['post.published']);
    await production.ensureTopics(['post.published']);
    const seen: Record<string, EventEnvelope[]> = { staging: [], production: [] };
    // The same group name in both: each deployment still gets its own events, all of them.
    await staging.subscribe({
      group: 'fanout',
      topics: ['post.published'],
      handler: (e) => Promise.resolve(void seen.staging!.push(e)),
    });
    await production.subscribe({
      group: 'fanout',
      topics: ['post.published'],
      handler: (e) => Promise.resolve(void seen.production!.push(e)),
    });

    await staging.publish([event('s1'), event('s2')]);
    await production.publish([event('p1')]);
    await until(() => seen.staging!.length === 2 && seen.production!.length === 1);

    expect(seen.staging!.map((e) => e.id)).toEqual(['s1', 's2']);
    expect(seen.production!.map((e) => e.id)).toEqual(['p1']);
    // Handlers see the plain type.
    expect(seen.production![0]!.type).toBe('post.published');
  });

  it('reports consumer lag under the plain group names, each deployment its own', async () => {
    const staging = new NamespacedEventBus(shared, 'staging');
    const production = new NamespacedEventBus(shared, 'production');
    await staging.ensureTopics(['post.published']);
    await production.ensureTopics(['post.published']);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await staging.subscribe({ group: 'fanout', topics: ['post.published'], handler: () => gate });
    await production.subscribe({ group: 'fanout', topics: ['post.published'], handler: () => gate });
    await staging.publish([event('s1'), event('s2'), event('s3')]);
    await production.publish([event('p1')]);

    expect(await staging.consumerLag(['fanout', 'feed'])).toEqual([
      { group: 'fanout', lag: 3 },
      { group: 'feed', lag: 0 },
    ]);
    expect(await production.consumerLag(['fanout'])).toEqual([{ group: 'fanout', lag: 1 }]);
    // The inner bus sees the namespaced names only.
    expect(await shared.consumerLag(['fanout', 'staging.fanout'])).toEqual([
      { group: 'fanout', lag: 0 },
      { group: 'staging.fanout', lag: 3 },
    ]);
    await expect(staging.consumerLag([''])).rejects.toBeInstanceOf(TypeError);
    release();
  });

  it('refuses a namespace Kafka could not name a topic with', () => {
    expect(() => new NamespacedEventBus(shared, 'a b')).toThrow(RangeError);
  });
});
