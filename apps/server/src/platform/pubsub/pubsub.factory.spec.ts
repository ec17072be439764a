import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { MemoryPubSub } from './memory.pubsub.js';
import { eventually, Inbox } from './pubsub.contract.js';
import { createPubSub, type PubSubSettings } from './pubsub.factory.js';
import { RedisPubSub } from './redis.pubsub.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const [CLUSTER_HOST = '127.0.0.1', CLUSTER_PORT = '7001'] = (
  process.env.REDIS_CLUSTER_NODES?.split(',')[0] ?? '127.0.0.1:7001'
)
  .trim()
  .split(':');

describe('createPubSub', () => {
  it('is in process when neither a Redis URL nor cluster nodes are configured', async () => {
    const { pubsub, kind } = await createPubSub({ url: undefined, clusterNodes: undefined, keyPrefix: '' });
    expect(kind).toBe('memory');
    expect(pubsub).toBeInstanceOf(MemoryPubSub);
    await pubsub.close();
  });

  it('goes to the configured Redis, under the configured prefix', async () => {
    const keyPrefix = `test:pubsub:${randomUUID()}:`;
    const settings: PubSubSettings = { url: REDIS_URL, clusterNodes: undefined, keyPrefix };
    const { pubsub, kind } = await createPubSub(settings);
    const other = await RedisPubSub.connect({ url: REDIS_URL, keyPrefix });
    try {
      expect(kind).toBe('redis');
      const inbox = new Inbox();
      await other.subscribe('c', inbox.handler);
      await pubsub.publish('c', 'through the factory');
      await eventually(() => inbox.has('through the factory'), 'the message');
    } finally {
      await Promise.all([pubsub.close(), other.close()]);
    }
  });

  it('goes to Redis Cluster when cluster nodes are configured', async () => {
    const { pubsub, kind } = await createPubSub({
      url: undefined,
      clusterNodes: [{ host: CLUSTER_HOST, port: Number(CLUSTER_PORT) }],
      keyPrefix: '',
    });
    try {
      expect(kind).toBe('redis-cluster');
      await expect(pubsub.ping()).resolves.toBeUndefined();
    } finally {
      await pubsub.close();
    }
  });
});
