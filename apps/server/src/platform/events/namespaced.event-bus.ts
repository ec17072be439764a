import { assertGroupName } from './event-bus.errors.js';
import type { ConsumerLag, EventBus, EventEnvelope, SubscribeOptions, Subscription } from './events.port.js';

/**
 * Several deployments sharing one Kafka cluster (staging beside production, or test runs
 * beside each other) must neither see each other's events nor join each other's consumer
 * groups. This bus puts a namespace in front of every topic and group on the way out and
 * takes it off on the way in, so the code above it never sees it.
 */
export class NamespacedEventBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly namespace: string,
  ) {
    if (!/^[a-zA-Z0-9._-]+$/.test(namespace)) {
      throw new RangeError(
        `An event namespace uses a-z A-Z 0-9 . _ - only, got ${JSON.stringify(namespace)}`,
      );
    }
  }

  ensureTopics(topics: readonly string[]): Promise<void> {
    return this.inner.ensureTopics(topics.map((topic) => this.outward(topic)));
  }

  publish(events: readonly EventEnvelope[]): Promise<void> {
    return this.inner.publish(events.map((event) => ({ ...event, type: this.outward(event.type) })));
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    const prefix = `${this.namespace}.`;
    return this.inner.subscribe({
      group: this.outward(options.group),
      topics: options.topics.map((topic) => this.outward(topic)),
      handler: (event) =>
        options.handler({
          ...event,
          type: event.type.startsWith(prefix) ? event.type.slice(prefix.length) : event.type,
        }),
    });
  }

  async consumerLag(groups: readonly string[]): Promise<ConsumerLag[]> {
    groups.forEach(assertGroupName);
    const lags = await this.inner.consumerLag(groups.map((group) => this.outward(group)));
    const byName = new Map(lags.map(({ group, lag }) => [group, lag]));
    return groups.map((group) => ({ group, lag: byName.get(this.outward(group)) ?? 0 }));
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private outward(name: string): string {
    return `${this.namespace}.${name}`;
  }
}
