/**
 * Calling the caller's code safely, for both adapters: handlers and listeners run in isolation
 * (one that throws is reported and the others still run), and nothing the caller passed can
 * throw out of a client's event handler, where a throw would crash the process.
 */
import { asError } from '../errors.js';
import type { MessageHandler } from './pubsub.port.js';

/** One `subscribe()` call; `active` turns false on unsubscribe, so a message already on its way is dropped. */
export interface LocalSubscription {
  readonly handler: MessageHandler;
  active: boolean;
}

/**
 * Hands a message to every local subscriber of a channel. The set is copied first, so a handler
 * that subscribes or unsubscribes does not change who gets this message.
 */
export function deliver(
  subscriptions: Iterable<LocalSubscription>,
  message: string,
  onError: (err: Error) => void,
): void {
  for (const subscription of [...subscriptions]) {
    if (!subscription.active) continue;
    try {
      subscription.handler(message);
    } catch (err) {
      onError(asError(err));
    }
  }
}

/** Listeners of `onConnectionChange`. */
export class ConnectionListeners {
  readonly #listeners = new Set<(connected: boolean) => void>();

  constructor(private readonly onError: (err: Error) => void) {}

  add(listener: (connected: boolean) => void): () => void {
    // A wrapper per registration: registering one function twice gives two independent unregisters.
    const entry = (connected: boolean): void => listener(connected);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  notify(connected: boolean): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(connected);
      } catch (err) {
        this.onError(asError(err));
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
