/* eslint-disable @typescript-eslint/require-await -- the port is asynchronous; `async` turns the
   validation errors thrown by these synchronous methods into rejections, as callers expect. */
import { safeErrorListener } from '../errors.js';
import { deliver, type LocalSubscription } from './delivery.js';
import { assertChannel, assertMessage, PubSubClosedError } from './pubsub.errors.js';
import type { MessageHandler, PubSub } from './pubsub.port.js';

export interface MemoryPubSubOptions {
  /** Errors thrown by handlers; without it they are dropped. */
  onError?: (err: Error) => void;
}

/**
 * The pub/sub port in process, for the monolith on embedded infrastructure. Delivery is
 * asynchronous (a microtask after `publish`), as it is over a network, so code tested against it
 * does not come to rely on a handler having run before `publish` returned.
 */
export class MemoryPubSub implements PubSub {
  readonly #channels = new Map<string, Set<LocalSubscription>>();
  readonly #onError: (err: Error) => void;
  #closed = false;

  constructor(options: MemoryPubSubOptions = {}) {
    this.#onError = safeErrorListener(options.onError);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    assertChannel(channel);
    assertMessage(message);
    const subscriptions = this.#channels.get(channel);
    if (!subscriptions) return;
    // Those subscribed now, as Redis delivers to the subscribers it has when the message arrives.
    const recipients = [...subscriptions];
    queueMicrotask(() => deliver(recipients, message, this.#onError));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    this.#assertOpen();
    assertChannel(channel);
    if (typeof handler !== 'function') throw new TypeError('a pub/sub handler is a function');
    const subscription: LocalSubscription = { handler, active: true };
    let subscriptions = this.#channels.get(channel);
    if (!subscriptions) {
      subscriptions = new Set();
      this.#channels.set(channel, subscriptions);
    }
    const joined = subscriptions;
    joined.add(subscription);
    return async () => {
      subscription.active = false;
      joined.delete(subscription);
      if (joined.size === 0 && this.#channels.get(channel) === joined) this.#channels.delete(channel);
    };
  }

  /** In process, delivery is never interrupted: there is nothing to tell. */
  onConnectionChange(_listener: (connected: boolean) => void): () => void {
    return () => undefined;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const subscriptions of this.#channels.values()) {
      for (const subscription of subscriptions) subscription.active = false;
    }
    this.#channels.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new PubSubClosedError();
  }
}
