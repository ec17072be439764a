import { formatHostPort, type HostPort } from '../config/config.js';
import { MemoryPubSub } from './memory.pubsub.js';
import type { PubSub } from './pubsub.port.js';
import { RedisPubSub } from './redis.pubsub.js';

/** The Redis settings of the configuration (`config.redis`): the pub/sub goes where the cache goes. */
export interface PubSubSettings {
  /** Standalone Redis. Both unset: in process. */
  url: string | undefined;
  clusterNodes: readonly HostPort[] | undefined;
  /** Prepended to every channel. */
  keyPrefix: string;
}

export interface CreatedPubSub {
  pubsub: PubSub;
  /** Which adapter backs it, for logs. */
  kind: 'redis' | 'redis-cluster' | 'memory';
}

/**
 * Opens the pub/sub the configuration asks for: Redis (REDIS_URL), Redis Cluster
 * (REDIS_CLUSTER_NODES), or in process when neither is set. Never rejects for a Redis that is
 * down: the process starts, `ping()` tells readiness, and the clients keep reconnecting.
 */
export async function createPubSub(
  settings: PubSubSettings,
  options: { onError?: (err: Error) => void } = {},
): Promise<CreatedPubSub> {
  const { url, clusterNodes, keyPrefix } = settings;
  const { onError } = options;
  if (url !== undefined) {
    return { pubsub: await RedisPubSub.connect({ url, keyPrefix, onError }), kind: 'redis' };
  }
  if (clusterNodes !== undefined) {
    return {
      pubsub: await RedisPubSub.connect({
        clusterNodes: clusterNodes.map(formatHostPort),
        keyPrefix,
        onError,
      }),
      kind: 'redis-cluster',
    };
  }
  return { pubsub: new MemoryPubSub({ onError }), kind: 'memory' };
}
