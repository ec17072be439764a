import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { freePort } from '../../testing/free-port.js';
import { connectOrFail, PrivateRedis, sharedRedis } from '../redis/redis.testing.js';
import { describeCacheContract, eventually } from './cache.contract.js';
import { RedisCache } from './redis.cache.js';
import { deleteKeysWithPrefix, succeeds } from './redis.testing.js';

const REDIS_URL = sharedRedis.url;

async function connectWithPrefix(keyPrefix: string): Promise<RedisCache> {
  return connectOrFail(() => RedisCache.connect({ url: REDIS_URL, keyPrefix }), sharedRedis);
}

async function dropPrefix(keyPrefix: string): Promise<void> {
  const admin = new Redis(REDIS_URL, { lazyConnect: true }).on('error', () => undefined);
  try {
    await admin.connect();
    await deleteKeysWithPrefix(admin, keyPrefix);
  } finally {
    admin.disconnect();
  }
}

describeCacheContract('RedisCache (standalone)', async () => {
  const keyPrefix = `test:cache:${randomUUID()}:`;
  const cache = await connectWithPrefix(keyPrefix);
  return { cache, cleanup: () => dropPrefix(keyPrefix) };
});

describe('RedisCache (standalone)', () => {
  const keyPrefix = `test:cache:${randomUUID()}:`;
  let cache!: RedisCache;
  let setupError: Error | undefined;

  beforeAll(async () => {
    try {
      cache = await connectWithPrefix(keyPrefix);
    } catch (err) {
      setupError = err instanceof Error ? err : new Error(String(err));
    }
  });

  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterAll(async () => {
    if (!cache) return;
    await cache.close();
    await dropPrefix(keyPrefix);
  });

  it('stores keys under keyPrefix and leaves the unprefixed name alone', async () => {
    const raw = new Redis(REDIS_URL).on('error', () => undefined);
    try {
      await cache.set('prefixed', 'v');
      expect(await raw.get(`${keyPrefix}prefixed`)).toBe('v');
      expect(await raw.exists('prefixed')).toBe(0);
      const counter = await cache.incrBy('counter', 3, 60_000);
      expect(counter.value).toBe(3);
      expect(await raw.get(`${keyPrefix}counter`)).toBe('3');
    } finally {
      raw.disconnect();
    }
  });

  it('stores the built marker as the member "" with score -inf, at rank 0', async () => {
    const raw = new Redis(REDIS_URL).on('error', () => undefined);
    try {
      await cache.zAddReplacing('built', [{ member: 'p1', score: 1 }], { ttlMs: 60_000 });
      expect(await raw.zrange(`${keyPrefix}built`, 0, '-1', 'WITHSCORES')).toEqual(['', '-inf', 'p1', '1']);
      await cache.zAddReplacing('built', []);
      expect(await raw.zrange(`${keyPrefix}built`, 0, '-1', 'WITHSCORES')).toEqual(['', '-inf']);
      expect(await raw.pttl(`${keyPrefix}built`)).toBe(-1);
    } finally {
      raw.disconnect();
    }
  });

  it('needs exactly one of url and clusterNodes', async () => {
    await expect(RedisCache.connect({})).rejects.toThrow(/exactly one/);
    await expect(RedisCache.connect({ url: REDIS_URL, clusterNodes: ['127.0.0.1:7001'] })).rejects.toThrow(
      /exactly one/,
    );
    await expect(RedisCache.connect({ clusterNodes: ['no-port'] })).rejects.toThrow(/host:port/);
  });
});

describe('RedisCache when nothing listens', () => {
  it('starts anyway, rejects every call, and reports connection errors only through onError', async () => {
    const port = await freePort();
    const errors: Error[] = [];
    const cache = await RedisCache.connect({
      url: `redis://127.0.0.1:${port}`,
      onError: (e) => errors.push(e),
    });
    try {
      await expect(cache.ping()).rejects.toThrow();
      await expect(cache.get('k')).rejects.toThrow();
      await expect(cache.set('k', 'v')).rejects.toThrow();
      await expect(cache.incrBy('k', 1, 1000)).rejects.toThrow();
      await expect(cache.zRangeByScoreDesc('k')).rejects.toThrow();
      await expect(cache.getMany(['k', 'l'])).rejects.toThrow();
      await expect(cache.setMany([{ key: 'k', value: 'v' }])).rejects.toThrow();
      await expect(cache.zAddToExisting(['k', 'l'], { member: 'm', score: 1 }, 10)).rejects.toThrow();
      await expect(cache.zAddReplacing('k', [])).rejects.toThrow();
      // It keeps trying to reconnect, and every failure goes to onError, not to an 'error' event.
      await eventually(() => errors.length >= 3, 'repeated reconnection errors');
      expect(errors.some((e) => /ECONNREFUSED/.test(e.message))).toBe(true);
    } finally {
      await cache.close();
    }
  });

  it('does not need onError to survive connection errors', async () => {
    const port = await freePort();
    const cache = await RedisCache.connect({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 200 });
    try {
      // Long enough for several reconnection attempts, each emitting an 'error' event that
      // would crash the worker if nobody listened.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await expect(cache.ping()).rejects.toThrow();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await cache.close();
    }
  });
});

describe('RedisCache during an outage', () => {
  let redis: PrivateRedis | undefined;
  afterAll(() => redis?.stop());

  it('fails fast while Redis is down, then reconnects when it is back', async () => {
    redis = await PrivateRedis.onFreePort();
    redis.start();
    const errors: Error[] = [];
    const cache = await RedisCache.connect({ url: redis.url, onError: (e) => errors.push(e) });
    try {
      await eventually(() => succeeds(cache.ping()), 'the private redis-server to answer');
      await cache.set('k', 'v');

      await redis.stop();
      await eventually(async () => !(await succeeds(cache.get('k'))), 'calls to fail once Redis is gone');
      await expect(cache.incrBy('n', 1)).rejects.toThrow();

      redis.start();
      await eventually(() => succeeds(cache.ping()), 'the cache to reconnect', 15_000);
      // A restarted Redis without persistence comes back empty.
      expect(await cache.get('k')).toBeNull();
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await cache.close();
    }
  });
});

describe('RedisCache on close', () => {
  let redis: PrivateRedis | undefined;
  let admin: Redis | undefined;
  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  async function connectedClients(client: Redis): Promise<number> {
    return Number(/^connected_clients:(\d+)/m.exec(await client.info('clients'))?.[1]);
  }

  it('leaves no connection behind once closed', async () => {
    redis = await PrivateRedis.onFreePort();
    redis.start();
    const observer = new Redis(redis.url).on('error', () => undefined);
    admin = observer;
    await eventually(() => succeeds(observer.ping()), 'the private redis-server to answer');

    const cache = await RedisCache.connect({ url: redis.url });
    await cache.ping();
    expect(await connectedClients(observer)).toBe(2);
    await cache.close();
    // Only the observer's own connection is left.
    await eventually(async () => (await connectedClients(observer)) === 1, 'the cache connection to go');
  });
});
