import { randomUUID } from 'node:crypto';

import { Cluster } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

import { clusterSlot } from '../cache/cluster-slot.js';
import { freePort } from '../../testing/free-port.js';
import { describePubSubContract } from './pubsub.contract.js';
import { RedisPubSub, type RedisPubSubOptions } from './redis.pubsub.js';
import { connectOrFail, expectConnectionCycle, PrivateClusterNode, rejectsWithin } from './redis.testing.js';

const CLUSTER_NODES = (process.env.REDIS_CLUSTER_NODES ?? '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003')
  .split(',')
  .map((node) => node.trim())
  .filter((node) => node.length > 0);
const HINT = 'Start it with scripts/redis-cluster-up.sh or point REDIS_CLUSTER_NODES at one.';

const connect = (options: Omit<RedisPubSubOptions, 'url' | 'clusterNodes'>): Promise<RedisPubSub> =>
  connectOrFail({ clusterNodes: CLUSTER_NODES, ...options }, CLUSTER_NODES.join(','), HINT);

describePubSubContract('RedisPubSub (cluster)', () =>
  Promise.resolve({ open: (options) => connect(options), shared: true }),
);

describe('RedisPubSub (cluster)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(options: RedisPubSubOptions): Promise<RedisPubSub> {
    const pubsub = await RedisPubSub.connect(options);
    cleanups.push(() => pubsub.close());
    return pubsub;
  }

  async function adminClient(): Promise<Cluster> {
    const admin = new Cluster(
      CLUSTER_NODES.map((node) => {
        const colon = node.lastIndexOf(':');
        return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
      }),
      { lazyConnect: true },
    ).on('error', () => undefined);
    cleanups.push(() => Promise.resolve(admin.disconnect()));
    await admin.connect();
    return admin;
  }

  it('subscribes each channel on the master that owns its slot only, once however many local subscribers', async () => {
    const keyPrefix = `test:pubsub:${randomUUID()}:`;
    const pubsub = await open({ clusterNodes: CLUSTER_NODES, keyPrefix });
    const admin = await adminClient();
    const channels = Array.from({ length: 12 }, (_, i) => `spread:${i}`);
    for (const channel of channels) {
      await pubsub.subscribe(channel, () => undefined);
      await pubsub.subscribe(channel, () => undefined);
    }
    const masters = admin.nodes('master');
    expect(masters).toHaveLength(3);
    const holders = new Map<string, string[]>();
    for (const master of masters) {
      const held = (await master.pubsub('SHARDCHANNELS', `${keyPrefix}*`)) as string[];
      holders.set(`${master.options.host}:${master.options.port}`, held);
      for (const name of held) {
        const counts = (await master.pubsub('SHARDNUMSUB', name)) as [string, number];
        expect(counts[1]).toBe(1);
      }
    }
    for (const channel of channels) {
      const owner = admin.slots[clusterSlot(keyPrefix + channel)]?.[0];
      const on = [...holders].filter(([, held]) => held.includes(keyPrefix + channel)).map(([node]) => node);
      expect(on).toEqual([owner]);
    }
    expect([...holders.values()].filter((held) => held.length > 0).length).toBeGreaterThan(1);
  });

  it('rejects publish, subscribe and ping within its deadline when no node listens', async () => {
    const errors: Error[] = [];
    const pubsub = await open({
      clusterNodes: [`127.0.0.1:${await freePort()}`],
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

  it('reports false then true across a restart of its cluster, and delivers again after true', async () => {
    const node = await PrivateClusterNode.create();
    cleanups.push(() => node.destroy());
    await node.startAndWait();
    const pubsub = await open({ clusterNodes: [node.address], keyPrefix: 'p:' });
    const publisher = await open({ clusterNodes: [node.address], keyPrefix: 'p:' });
    await expectConnectionCycle(pubsub, publisher, node);
  });
});
