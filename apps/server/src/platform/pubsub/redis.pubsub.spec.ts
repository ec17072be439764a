import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

import { freePort, PrivateRedis } from '../cache/redis.testing.js';
import { describePubSubContract, eventually, Inbox } from './pubsub.contract.js';
import { PubSubClosedError } from './pubsub.errors.js';
import { RedisPubSub, type RedisPubSubOptions } from './redis.pubsub.js';
import { connectOrFail, expectConnectionCycle, rejectsWithin } from './redis.testing.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HINT = 'Start it (scripts/services-up.sh) or point REDIS_URL at one.';

const connect = (options: Omit<RedisPubSubOptions, 'url' | 'clusterNodes'>): Promise<RedisPubSub> =>
  connectOrFail({ url: REDIS_URL, ...options }, REDIS_URL, HINT);

describePubSubContract('RedisPubSub (standalone)', () =>
  Promise.resolve({ open: (options) => connect(options), shared: true }),
);

describe('RedisPubSub (standalone)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function admin(url = REDIS_URL): Redis {
    const client = new Redis(url).on('error', () => undefined);
    cleanups.push(() => Promise.resolve(client.disconnect()));
    return client;
  }

  async function open(options: RedisPubSubOptions): Promise<RedisPubSub> {
    const pubsub = await RedisPubSub.connect(options);
    cleanups.push(() => pubsub.close());
    return pubsub;
  }

  async function privateRedis(): Promise<PrivateRedis> {
    const redis = await PrivateRedis.onFreePort();
    await redis.startAndWait();
    cleanups.push(() => redis.stop());
    return redis;
  }

  it('shares one Redis subscription among the local subscribers of a channel, under its prefix', async () => {
    const keyPrefix = `test:pubsub:${randomUUID()}:`;
    const pubsub = await open({ url: REDIS_URL, keyPrefix });
    const redis = admin();
    const subscribers = async () => (await redis.pubsub('NUMSUB', `${keyPrefix}c`))[1];
    const unsubscribeA = await pubsub.subscribe('c', () => undefined);
    const unsubscribeB = await pubsub.subscribe('c', () => undefined);
    expect(await subscribers()).toBe(1);
    expect((await redis.pubsub('NUMSUB', 'c'))[1]).toBe(0);
    await unsubscribeA();
    expect(await subscribers()).toBe(1);
    await unsubscribeB();
    expect(await subscribers()).toBe(0);
  });

  it('opens its subscriber connection on the first subscribe only', async () => {
    const server = await privateRedis();
    const pubsub = await open({ url: server.url });
    const redis = admin(server.url);
    const connections = async () =>
      String(await redis.client('LIST'))
        .trim()
        .split('\n').length;
    // The admin connection and the publishing one.
    expect(await connections()).toBe(2);
    await pubsub.publish('c', 'm');
    expect(await connections()).toBe(2);
    await pubsub.subscribe('c', () => undefined);
    await pubsub.subscribe('d', () => undefined);
    expect(await connections()).toBe(3);
  });

  it('rejects publish, subscribe and ping within its deadline when Redis is unreachable', async () => {
    const errors: Error[] = [];
    const pubsub = await open({
      url: `redis://127.0.0.1:${await freePort()}`,
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
  });

  it('reports false then true across a restart of its Redis, and delivers again after true', async () => {
    const server = await privateRedis();
    const pubsub = await open({ url: server.url, keyPrefix: 'p:' });
    const publisher = await open({ url: server.url, keyPrefix: 'p:' });
    await expectConnectionCycle(pubsub, publisher, server);
  });

  it('stops telling a listener once it is unregistered, and forgets listeners on close', async () => {
    const server = await privateRedis();
    const pubsub = await open({ url: server.url });
    const kept: boolean[] = [];
    const dropped: boolean[] = [];
    pubsub.onConnectionChange((connected) => kept.push(connected));
    const unregister = pubsub.onConnectionChange((connected) => dropped.push(connected));
    unregister();
    unregister();
    await pubsub.subscribe('c', () => undefined);
    await server.stop();
    await eventually(() => kept.length === 1, 'the loss to be reported');
    expect(dropped).toEqual([]);
    await pubsub.close();
    await server.startAndWait();
    await expect(pubsub.subscribe('c', () => undefined)).rejects.toBeInstanceOf(PubSubClosedError);
    expect(kept).toEqual([false]);
  });

  it('reports errors of connection listeners to onError and still tells the others', async () => {
    const server = await privateRedis();
    const errors: Error[] = [];
    const pubsub = await open({ url: server.url, onError: (err) => errors.push(err) });
    const heard = new Inbox();
    pubsub.onConnectionChange(() => {
      throw new Error('listener failure (expected by the test)');
    });
    pubsub.onConnectionChange((connected) => heard.handler(String(connected)));
    await pubsub.subscribe('c', () => undefined);
    await server.stop();
    await eventually(() => heard.has('false'), 'the loss to be reported');
    expect(errors.map((err) => err.message)).toContain('listener failure (expected by the test)');
  });
});
