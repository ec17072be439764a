import { randomUUID } from 'node:crypto';

import type { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';

import { freePort } from '../../testing/free-port.js';
import { clusterSlot } from '../cache/cluster-slot.js';
import { clusterAdmin, connectOrFail, PrivateClusterNode, sharedCluster } from '../redis/redis.testing.js';
import { describePubSubContract } from './pubsub.contract.js';
import { RedisPubSub } from './redis.pubsub.js';
import { expectConnectionCycle, expectFailsFastWhenUnreachable, openedPerTest } from './redis.testing.js';

const CLUSTER_NODES = sharedCluster.nodes;

describePubSubContract('RedisPubSub (cluster)', () =>
  Promise.resolve({
    open: (options) =>
      connectOrFail(() => RedisPubSub.connect({ clusterNodes: CLUSTER_NODES, ...options }), sharedCluster),
    shared: true,
  }),
);

describe('RedisPubSub (cluster)', () => {
  const perTest = openedPerTest();
  const { open } = perTest;

  async function adminClient(): Promise<Cluster> {
    const admin = clusterAdmin();
    perTest.defer(() => Promise.resolve(admin.disconnect()));
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
    await expectFailsFastWhenUnreachable(perTest, { clusterNodes: [`127.0.0.1:${await freePort()}`] });
  });

  it('reports false then true across a restart of its cluster, and delivers again after true', async () => {
    const node = await PrivateClusterNode.create();
    perTest.defer(() => node.destroy());
    await node.startAndWait();
    const pubsub = await open({ clusterNodes: [node.address], keyPrefix: 'p:' });
    const publisher = await open({ clusterNodes: [node.address], keyPrefix: 'p:' });
    await expectConnectionCycle(pubsub, publisher, node);
  });
});
