import type { Cluster, Redis } from 'ioredis';

import type { HostPort } from '../config/config.js';
import {
  clusterClient,
  firstConnection,
  quit,
  type RedisTimeouts,
  standaloneClient,
} from '../redis/redis.connection.js';

/** What a link reports; every callback is safe to call from ioredis's event handlers. */
export interface LinkEvents {
  /** A message on a channel (its full, prefixed name). */
  message(name: string, message: string): void;
  /** Delivery may have stopped: a connection that carries subscriptions, or the cluster, went away. */
  lost(): void;
  /** A connection that carries subscriptions is (back) up: a good moment to re-subscribe. */
  ready(): void;
  error(err: Error): void;
}

/**
 * What RedisPubSub needs of one Redis deployment. Names are full channel names (prefix
 * included); each method sends its command once and settles with Redis's reply or refusal.
 */
export interface PubSubLink {
  /** Resolves once the first connection attempt settled (ready, failed or timed out); never rejects. */
  readonly opened: Promise<void>;
  publish(name: string, message: string): Promise<unknown>;
  /** Made lazily: the connection(s) that carry subscriptions, awaited before the first subscribe. */
  openSubscriber(): Promise<void>;
  subscribe(names: readonly string[]): Promise<unknown>;
  unsubscribe(names: readonly string[]): Promise<unknown>;
  /** A round trip after the subscriptions sent so far: it proves they are in place. */
  probe(): Promise<unknown>;
  ping(): Promise<unknown>;
  close(closeTimeoutMs: number): Promise<void>;
}

/**
 * A single Redis: a publishing connection, and one subscriber connection (a subscribed
 * connection refuses other commands) made on the first subscribe. ioredis subscribes that
 * connection again to its channels after a reconnection.
 */
export class StandaloneLink implements PubSubLink {
  readonly opened: Promise<void>;
  readonly #url: string;
  readonly #timeouts: RedisTimeouts;
  readonly #events: LinkEvents;
  readonly #publisher: Redis;
  #subscriber: Promise<Redis> | undefined;

  constructor(url: string, timeouts: RedisTimeouts, events: LinkEvents) {
    this.#url = url;
    this.#timeouts = timeouts;
    this.#events = events;
    this.#publisher = standaloneClient(url, timeouts, (err) => events.error(err));
    this.opened = firstConnection(this.#publisher, timeouts.connectTimeoutMs);
  }

  publish(name: string, message: string): Promise<unknown> {
    return this.#publisher.publish(name, message);
  }

  async openSubscriber(): Promise<void> {
    this.#subscriber ??= (async () => {
      const subscriber = standaloneClient(this.#url, this.#timeouts, (err) => this.#events.error(err));
      subscriber.on('message', (name: string, message: string) => this.#events.message(name, message));
      subscriber.on('close', () => this.#events.lost());
      subscriber.on('ready', () => this.#events.ready());
      await firstConnection(subscriber, this.#timeouts.connectTimeoutMs);
      return subscriber;
    })();
    await this.#subscriber;
  }

  async subscribe(names: readonly string[]): Promise<unknown> {
    return (await this.#subscriberClient()).subscribe(...names);
  }

  async unsubscribe(names: readonly string[]): Promise<unknown> {
    return (await this.#subscriberClient()).unsubscribe(...names);
  }

  async probe(): Promise<unknown> {
    return (await this.#subscriberClient()).ping();
  }

  ping(): Promise<unknown> {
    return this.#publisher.ping();
  }

  async close(closeTimeoutMs: number): Promise<void> {
    const clients = [this.#publisher];
    if (this.#subscriber) clients.push(await this.#subscriber);
    await Promise.all(clients.map((client) => quit(client, closeTimeoutMs)));
  }

  #subscriberClient(): Promise<Redis> {
    if (!this.#subscriber) return Promise.reject(new Error('the subscriber connection is not open'));
    return this.#subscriber;
  }
}

/**
 * Redis Cluster with sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7): a message travels only
 * within the shard that owns its channel's slot, where plain PUBLISH is broadcast over the
 * cluster bus to every node, which costs every node every message and does not scale with
 * shards. ioredis keeps one subscriber connection per master that owns a subscribed channel
 * (made on the first subscribe to that master's slots), moves subscriptions when slots move,
 * and subscribes again after a reconnection. One Cluster client publishes and subscribes: its
 * subscriber connections are its own, apart from the command connections.
 */
export class ClusterLink implements PubSubLink {
  readonly opened: Promise<void>;
  readonly #cluster: Cluster;

  constructor(nodes: readonly HostPort[], timeouts: RedisTimeouts, events: LinkEvents) {
    this.#cluster = clusterClient(nodes, timeouts, (err) => events.error(err), {
      shardedSubscribers: true,
    });
    const cluster = this.#cluster;
    cluster.on('smessage', (name: string, message: string) => events.message(name, message));
    // '-node': a node left (its connection ended, or it no longer serves slots), which includes a
    // master's subscriber connection; 'close': the whole cluster is unreachable.
    cluster.on('-node', () => events.lost());
    cluster.on('close', () => events.lost());
    cluster.on('ready', () => events.ready());
    this.opened = firstConnection(cluster, timeouts.connectTimeoutMs);
  }

  publish(name: string, message: string): Promise<unknown> {
    return this.#cluster.spublish(name, message);
  }

  openSubscriber(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * One SSUBSCRIBE per channel: channels of one command must share a slot. ioredis lists a
   * channel subscribed again (after an outage) twice, a few bytes per outage that the
   * unsubscribe drops with the rest.
   */
  subscribe(names: readonly string[]): Promise<unknown> {
    return Promise.all(names.map((name) => this.#cluster.ssubscribe(name)));
  }

  unsubscribe(names: readonly string[]): Promise<unknown> {
    return Promise.all(names.map((name) => this.#cluster.sunsubscribe(name)));
  }

  probe(): Promise<unknown> {
    return this.#cluster.ping();
  }

  ping(): Promise<unknown> {
    return this.#cluster.ping();
  }

  close(closeTimeoutMs: number): Promise<void> {
    return quit(this.#cluster, closeTimeoutMs);
  }
}
