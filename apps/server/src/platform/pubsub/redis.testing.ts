/** Helpers for the Redis pub/sub specs (not used by the application). */
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, expect } from 'vitest';

import type { RedisConnectionOptions } from '../redis/redis.connection.js';
import { eventually, Inbox } from './pubsub.contract.js';
import type { PubSub } from './pubsub.port.js';
import { RedisPubSub, type RedisPubSubOptions } from './redis.pubsub.js';

export interface OpenedPerTest {
  /** Opens a pub/sub that is closed after the test. */
  readonly open: (options: RedisPubSubOptions) => Promise<RedisPubSub>;
  /** Runs `cleanup` after the test, before what was deferred earlier. */
  readonly defer: (cleanup: () => Promise<void>) => void;
}

/** Call in a describe block: what its tests open or defer is undone after each, last first. */
export function openedPerTest(): OpenedPerTest {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    open: async (options) => {
      const pubsub = await RedisPubSub.connect(options);
      cleanups.push(() => pubsub.close());
      return pubsub;
    },
    defer: (cleanup) => {
      cleanups.push(cleanup);
    },
  };
}

/**
 * Opens a pub/sub on `target`, where nothing listens: publish, subscribe and ping must each
 * reject within their deadline, and the connection errors must reach onError.
 */
export async function expectFailsFastWhenUnreachable(
  opened: OpenedPerTest,
  target: RedisConnectionOptions,
): Promise<void> {
  const errors: Error[] = [];
  const pubsub = await opened.open({
    ...target,
    commandTimeoutMs: 500,
    connectTimeoutMs: 500,
    onError: (err) => errors.push(err),
  });
  await rejectsWithin(pubsub.publish('c', 'm'), 3000);
  await rejectsWithin(
    pubsub.subscribe('c', () => undefined),
    3000,
  );
  await rejectsWithin(pubsub.ping(), 3000);
  expect(errors.length).toBeGreaterThan(0);
}

/** Expects `promise` to reject, and to do so before `ms` have passed. */
async function rejectsWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  const started = Date.now();
  await expect(promise).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(ms);
}

export interface Restartable {
  stop(): Promise<void>;
  startAndWait(): Promise<void>;
}

/**
 * Stops and restarts the server under `subscriber` and `publisher`: the subscriber must report
 * false then true, and a message published after true must arrive.
 */
export async function expectConnectionCycle(
  subscriber: PubSub,
  publisher: PubSub,
  server: Restartable,
): Promise<void> {
  const changes: boolean[] = [];
  subscriber.onConnectionChange((connected) => changes.push(connected));
  const inbox = new Inbox();
  await subscriber.subscribe('{live}:a', inbox.handler);
  await subscriber.subscribe('{other}:b', inbox.handler);
  await publisher.publish('{live}:a', 'before');
  await eventually(() => inbox.has('before'), 'the message before the restart');

  await server.stop();
  await eventually(() => changes.length > 0, 'the loss to be reported');
  expect(changes).toEqual([false]);
  await expect(publisher.publish('{live}:a', 'while down')).rejects.toThrow();

  await server.startAndWait();
  await eventually(() => changes.length > 1, 'the recovery to be reported', 30_000);
  expect(changes).toEqual([false, true]);
  // The publisher reconnects on its own schedule: the first publish it takes must be delivered.
  let sent: string | undefined;
  for (let attempt = 0; sent === undefined; attempt += 1) {
    const message = `after ${attempt}`;
    try {
      await publisher.publish('{other}:b', message);
      sent = message;
    } catch (err) {
      if (attempt > 200) throw err;
      await sleep(50);
    }
  }
  const delivered = sent;
  await eventually(() => inbox.has(delivered), 'the message after the restart');
  expect(changes).toEqual([false, true]);
}
