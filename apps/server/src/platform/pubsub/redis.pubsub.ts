import {
  type RedisConnectionOptions,
  redisTarget,
  redisTimeouts,
  withDeadline,
} from '../redis/redis.connection.js';
import { asError, safeErrorListener } from '../errors.js';
import { ConnectionListeners, deliver, type LocalSubscription } from './delivery.js';
import { assertChannel, assertMessage, PubSubClosedError } from './pubsub.errors.js';
import type { MessageHandler, PubSub } from './pubsub.port.js';
import { ClusterLink, type LinkEvents, type PubSubLink, StandaloneLink } from './redis.links.js';

export interface RedisPubSubOptions extends RedisConnectionOptions {
  /** Prepended to every channel: deployments (or test runs) sharing one Redis never hear each other. */
  keyPrefix?: string;
  /** Connection errors and errors thrown by handlers and listeners; without it they are dropped. */
  onError?: (err: Error) => void;
}

interface Channel {
  readonly subscriptions: Set<LocalSubscription>;
  /** The broker subscription every local subscriber of this channel waits for. */
  readonly active: Promise<void>;
}

/**
 * Whether the connection carrying subscriptions is known: not yet connected (`idle`), `up`, or
 * `down` since a loss that was reported, until every subscription is confirmed again.
 */
type LinkState = 'idle' | 'up' | 'down';

/**
 * The pub/sub port on Redis or Redis Cluster (ioredis). Local subscribers of one channel share
 * one Redis subscription. Built to degrade rather than hang: while Redis is unreachable
 * publish and subscribe reject at once, any call rejects after `commandTimeoutMs`, and the
 * clients reconnect in the background. After a loss of the subscriber connection, connection
 * listeners hear `false`, and `true` only once every channel is subscribed again and confirmed
 * by Redis: a message published after `true` is delivered.
 */
export class RedisPubSub implements PubSub {
  readonly #link: PubSubLink;
  readonly #prefix: string;
  readonly #commandTimeoutMs: number;
  readonly #onError: (err: Error) => void;
  readonly #listeners: ConnectionListeners;
  readonly #channels = new Map<string, Channel>();
  /** Serialises SUBSCRIBE/UNSUBSCRIBE so they reach Redis in the order they were asked for. */
  #queue: Promise<unknown> = Promise.resolve();
  #state: LinkState = 'idle';
  /** Losses so far: a recovery whose confirmation raced a new loss must not report `true`. */
  #losses = 0;
  #wakeRecovery: (() => void) | undefined;
  /** The connection came back while a recovery attempt was in flight: the next one goes at once. */
  #readyDuringAttempt = false;
  #closed = false;

  /**
   * Resolves once the first connection attempt has settled and never rejects: the process starts
   * while Redis is down, and `ping()` tells readiness.
   */
  static async connect(options: RedisPubSubOptions): Promise<RedisPubSub> {
    const pubsub = new RedisPubSub(options);
    await pubsub.#link.opened;
    return pubsub;
  }

  private constructor(options: RedisPubSubOptions) {
    const timeouts = redisTimeouts(options);
    this.#commandTimeoutMs = timeouts.commandTimeoutMs;
    this.#prefix = options.keyPrefix ?? '';
    this.#onError = safeErrorListener(options.onError);
    this.#listeners = new ConnectionListeners(this.#onError);
    const events: LinkEvents = {
      message: (name, message) => this.#dispatch(name, message),
      lost: () => this.#lost(),
      ready: () => this.#ready(),
      error: this.#onError,
    };
    const target = redisTarget(options, 'RedisPubSub');
    this.#link =
      'url' in target
        ? new StandaloneLink(target.url, timeouts, events)
        : new ClusterLink(target.clusterNodes, timeouts, events);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    assertChannel(channel);
    assertMessage(message);
    await this.#withDeadline('PUBLISH', () => this.#link.publish(this.#prefix + channel, message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    this.#assertOpen();
    assertChannel(channel);
    if (typeof handler !== 'function') throw new TypeError('a pub/sub handler is a function');
    const name = this.#prefix + channel;
    const subscription: LocalSubscription = { handler, active: true };
    let state = this.#channels.get(name);
    if (!state) {
      const active = this.#onSubscriber('SUBSCRIBE', () => this.#link.subscribe([name])).then(
        () => undefined,
      );
      state = { subscriptions: new Set(), active };
      this.#channels.set(name, state);
    }
    const joined = state;
    joined.subscriptions.add(subscription);
    try {
      await joined.active;
    } catch (err) {
      subscription.active = false;
      joined.subscriptions.delete(subscription);
      // The next subscriber tries a fresh SUBSCRIBE rather than inheriting this failure.
      if (this.#channels.get(name) === joined) this.#channels.delete(name);
      throw err;
    }
    return async () => {
      if (!subscription.active) return;
      subscription.active = false;
      joined.subscriptions.delete(subscription);
      if (joined.subscriptions.size > 0 || this.#channels.get(name) !== joined || this.#closed) return;
      this.#channels.delete(name);
      try {
        await this.#onSubscriber('UNSUBSCRIBE', () => this.#link.unsubscribe([name]));
      } catch (err) {
        // The handler is already gone, which is all the caller asked for; a channel left
        // subscribed on the server only costs messages that are dropped on arrival.
        this.#onError(asError(err));
      }
    };
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    return this.#listeners.add(listener);
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await this.#withDeadline('PING', () => this.#link.ping());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeRecovery?.();
    for (const { subscriptions } of this.#channels.values()) {
      for (const subscription of subscriptions) subscription.active = false;
    }
    this.#channels.clear();
    this.#listeners.clear();
    await this.#link.close(this.#commandTimeoutMs);
  }

  #dispatch(name: string, message: string): void {
    const channel = this.#channels.get(name);
    if (channel) deliver(channel.subscriptions, message, this.#onError);
  }

  #lost(): void {
    this.#losses += 1;
    if (this.#closed || this.#state !== 'up') return;
    this.#state = 'down';
    this.#listeners.notify(false);
    void this.#recover();
  }

  #ready(): void {
    if (this.#state === 'idle') this.#state = 'up';
    else if (this.#state === 'down') {
      // A recovery waiting out its backoff tries again now.
      this.#readyDuringAttempt = true;
      this.#wakeRecovery?.();
    }
  }

  /**
   * Subscribes again to every channel (harmless where the client already did) until Redis
   * confirms, then reports `true`. ioredis re-subscribes by itself, but only reports its
   * failures in debug logs, and tells 'ready' before Redis has answered: this loop is what makes
   * `true` a promise that the subscriptions are in place.
   */
  async #recover(): Promise<void> {
    for (let attempt = 1; this.#state === 'down' && !this.#closed; attempt += 1) {
      const losses = this.#losses;
      this.#readyDuringAttempt = false;
      try {
        await this.#onSubscriber('SUBSCRIBE', () => {
          const names = [...this.#channels.keys()];
          return names.length > 0 ? this.#link.subscribe(names) : this.#link.probe();
        });
        if (this.#closed) return;
        if (losses === this.#losses) {
          this.#state = 'up';
          this.#listeners.notify(true);
          return;
        }
      } catch (err) {
        if (this.#closed) return;
        this.#onError(asError(err));
        if (!this.#readyDuringAttempt) await this.#backoff(Math.min(attempt * 100, 2000));
      }
    }
  }

  #backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakeRecovery = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakeRecovery = wake;
    });
  }

  #onSubscriber<T>(operation: string, command: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(async () => {
      // Checked before the subscriber connection exists: one made after close() had looked for
      // it would never be closed, and would keep reconnecting for the life of the process.
      if (this.#closed) throw new PubSubClosedError();
      await this.#link.openSubscriber();
      return this.#withDeadline(operation, command);
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** A call with its deadline, refused once closed. */
  #withDeadline<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new PubSubClosedError());
    return withDeadline(operation, this.#commandTimeoutMs, command);
  }

  #assertOpen(): void {
    if (this.#closed) throw new PubSubClosedError();
  }
}
