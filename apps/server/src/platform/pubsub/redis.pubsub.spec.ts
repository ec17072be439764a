import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

import { freePort } from '../../testing/free-port.js';
import { connectOrFail, PrivateRedis, sharedRedis } from '../redis/redis.testing.js';
import { describePubSubContract, eventually, Inbox } from './pubsub.contract.js';
import { PubSubClosedError } from './pubsub.errors.js';
import { RedisPubSub } from './redis.pubsub.js';
import { expectConnectionCycle, expectFailsFastWhenUnreachable, openedPerTest } from './redis.testing.js';

const REDIS_URL = sharedRedis.url;

describePubSubContract('RedisPubSub (standalone)', () =>
  Promise.resolve({
    open: (options) => connectOrFail(() => RedisPubSub.connect({ url: REDIS_URL, ...options }), sharedRedis),
    shared: true,
  }),
);

describe('RedisPubSub (standalone)', () => {
  const perTest = openedPerTest();
  const { open } = perTest;

  function admin(url = REDIS_URL): Redis {
    const client = new Redis(url).on('error', () => undefined);
    perTest.defer(() => Promise.resolve(client.disconnect()));
    return client;
  }

  async function privateRedis(): Promise<PrivateRedis> {
    const redis = await PrivateRedis.onFreePort();
    await redis.startAndWait();
    perTest.defer(() => redis.stop());
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
    await expectFailsFastWhenUnreachable(perTest, { url: `redis://127.0.0.1:${await freePort()}` });
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
