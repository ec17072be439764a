/** Helpers for the Redis adapter's specs (not used by the application). */
import { once } from 'node:events';
import { createServer } from 'node:net';

import { Cluster, type Redis } from 'ioredis';

import { RedisCache, type RedisCacheOptions } from './redis.cache.js';

/** A RedisCache that fails loudly when the server is not there: the specs must fail, not skip. */
export async function connectOrFail(
  options: RedisCacheOptions,
  where: string,
  hint: string,
): Promise<RedisCache> {
  const cache = await RedisCache.connect(options);
  try {
    await cache.ping();
  } catch (err) {
    await cache.close();
    throw new Error(`Redis at ${where} is unreachable (${(err as Error).message}). ${hint}`, { cause: err });
  }
  return cache;
}

/** Deletes every key under `prefix`, on every master of a cluster. */
export async function deleteKeysWithPrefix(client: Redis | Cluster, prefix: string): Promise<number> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      // One key per command: keys in different cluster slots cannot share a DEL.
      for (const key of keys) deleted += await node.unlink(key);
    } while (cursor !== '0');
  }
  return deleted;
}

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

export function succeeds(promise: Promise<unknown>): Promise<boolean> {
  return promise.then(
    () => true,
    () => false,
  );
}
