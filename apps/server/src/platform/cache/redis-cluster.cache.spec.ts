import { randomUUID } from 'node:crypto';

import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { freePort } from '../../testing/free-port.js';
import { clusterAdmin, connectOrFail, sharedCluster } from '../redis/redis.testing.js';
import { describeCacheContract, eventually } from './cache.contract.js';
import { clusterSlot } from './cluster-slot.js';
import { RedisCache } from './redis.cache.js';
import { deleteKeysWithPrefix } from './redis.testing.js';

async function connectWithPrefix(keyPrefix: string): Promise<RedisCache> {
  return connectOrFail(
    () => RedisCache.connect({ clusterNodes: sharedCluster.nodes, keyPrefix }),
    sharedCluster,
  );
}

async function dropPrefix(keyPrefix: string): Promise<void> {
  const admin = clusterAdmin();
  try {
    await admin.connect();
    await deleteKeysWithPrefix(admin, keyPrefix);
  } finally {
    admin.disconnect();
  }
}

describeCacheContract('RedisCache (cluster)', async () => {
  const keyPrefix = `test:cache:${randomUUID()}:`;
  const cache = await connectWithPrefix(keyPrefix);
  return { cache, cleanup: () => dropPrefix(keyPrefix) };
});

describe('RedisCache (cluster)', () => {
  const keyPrefix = `test:cache:${randomUUID()}:`;
  let cache!: RedisCache;
  let admin!: Cluster;
  let setupError: Error | undefined;

  beforeAll(async () => {
    try {
      cache = await connectWithPrefix(keyPrefix);
      admin = clusterAdmin();
      await admin.connect();
    } catch (err) {
      setupError = err instanceof Error ? err : new Error(String(err));
      await cache?.close();
    }
  });

  // A failing beforeAll makes vitest skip the tests; an unreachable cluster must fail each one.
  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterAll(async () => {
    if (setupError) return;
    await cache.close();
    await deleteKeysWithPrefix(admin, keyPrefix);
    admin.disconnect();
  });

  it('talks to a cluster of three masters', () => {
    expect(admin.nodes('master')).toHaveLength(3);
  });

  it('spreads keys over every master, each command on the node that owns its key', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `spread:${i}`);
    for (const key of keys) {
      await cache.set(key, key);
      await cache.incrBy(`${key}:n`, 2, 60_000);
      await cache.zAdd(`${key}:z`, [{ member: 'm', score: 1 }]);
    }
    const holders = await Promise.all(
      admin.nodes('master').map(async (node) => (await node.keys(`${keyPrefix}spread:*`)).length),
    );
    expect(holders.every((count) => count > 0)).toBe(true);
    expect(holders.reduce((a, b) => a + b, 0)).toBe(keys.length * 3);
    for (const key of keys) {
      expect(await cache.get(key)).toBe(key);
      expect(await cache.incrBy(`${key}:n`, 1)).toMatchObject({ value: 3 });
    }
  });

  it('computes the slot of a key exactly as the cluster does', async () => {
    const samples = [
      '',
      'a',
      'feed:{user42}',
      '{user42}:likes',
      '{}',
      '{}{user42}',
      'foo{{bar}}zap',
      'foo{bar}{zap}',
      '{',
      '}{tag}',
      'tag}{',
      'é😀{ü}x',
      'ключ:{значение}',
      ...Array.from({ length: 200 }, (_, i) => `post:${i * 7919}`),
    ];
    const expected = await Promise.all(samples.map((key) => admin.cluster('KEYSLOT', key)));
    expect(samples.map(clusterSlot)).toEqual(expected);
  });

  it('sends each master its own keys in batches that span every master', async () => {
    const keys = Array.from({ length: 900 }, (_, i) => `batch:${i}`);
    await cache.setMany(keys.map((key) => ({ key, value: key, ttlMs: 60_000 })));
    const holders = await Promise.all(
      admin.nodes('master').map(async (node) => (await node.keys(`${keyPrefix}batch:*`)).length),
    );
    expect(holders.every((count) => count > 0)).toBe(true);
    expect(await cache.getMany(keys)).toEqual(keys);
    expect(await admin.get(`${keyPrefix}batch:7`)).toBe('batch:7');

    const feeds = keys.map((key) => `${key}:feed`);
    for (const feed of feeds.slice(0, 300)) await cache.zAdd(feed, [{ member: 'old', score: 1 }]);
    expect(await cache.zAddToExisting(feeds, { member: 'new', score: 2 }, 10)).toBe(300);
    const ranges = await cache.zRangeByScoreDescMany(feeds, { limit: 1 });
    expect(ranges.filter((range) => range[0]?.member === 'new')).toHaveLength(300);
    expect(await cache.zRemFromMany(feeds, ['new', 'old'])).toBe(600);
  });

  it('splits a batch bigger than one pipeline on a single node', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `{hot}:${i}`);
    await cache.setMany(keys.map((key) => ({ key, value: key })));
    const holders = await Promise.all(
      admin.nodes('master').map(async (node) => (await node.keys(`${keyPrefix}{hot}:*`)).length),
    );
    expect([...holders].sort((a, b) => a - b)).toEqual([0, 0, 2500]);
    expect(await cache.getMany(keys)).toEqual(keys);
  });

  it('keeps keys that share a hash tag on one node', async () => {
    await cache.zAdd('feed:{user42}', [{ member: 'p1', score: 1 }]);
    await cache.sAdd('likes:{user42}', ['p1']);
    await cache.set('profile:{user42}', 'x');
    const holders = await Promise.all(
      admin.nodes('master').map(async (node) => (await node.keys(`${keyPrefix}*{user42}`)).length),
    );
    expect([...holders].sort()).toEqual([0, 0, 3]);
  });
});

describe('RedisCache (cluster) when no node listens', () => {
  it('starts anyway and rejects every call', async () => {
    const errors: Error[] = [];
    const cache = await RedisCache.connect({
      clusterNodes: [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`],
      onError: (e) => errors.push(e),
    });
    try {
      await expect(cache.ping()).rejects.toThrow();
      await expect(cache.get('k')).rejects.toThrow();
      await expect(cache.incrBy('k', 1, 1000)).rejects.toThrow();
      await expect(cache.getMany(['k', 'l'])).rejects.toThrow();
      await expect(cache.zAddToExisting(['k', 'l'], { member: 'm', score: 1 }, 10)).rejects.toThrow();
      await expect(cache.zAddReplacing('k', [])).rejects.toThrow();
      await eventually(() => errors.length > 0, 'a connection error to be reported');
    } finally {
      await cache.close();
    }
  });
});
