/** Helpers for the Redis pub/sub specs (not used by the application). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';
import { expect } from 'vitest';

import { freePort } from '../../testing/free-port.js';
import { eventually, Inbox } from './pubsub.contract.js';
import type { PubSub } from './pubsub.port.js';
import { RedisPubSub, type RedisPubSubOptions } from './redis.pubsub.js';

/** A RedisPubSub that fails loudly when the server is not there: the specs must fail, not skip. */
export async function connectOrFail(
  options: RedisPubSubOptions,
  where: string,
  hint: string,
): Promise<RedisPubSub> {
  const pubsub = await RedisPubSub.connect(options);
  try {
    await pubsub.ping();
  } catch (err) {
    await pubsub.close();
    throw new Error(`Redis at ${where} is unreachable (${(err as Error).message}). ${hint}`, { cause: err });
  }
  return pubsub;
}

/** Expects `promise` to reject, and to do so before `ms` have passed. */
export async function rejectsWithin(promise: Promise<unknown>, ms: number): Promise<void> {
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

/**
 * A one-node Redis Cluster of the test's own (all 16384 slots on one master), for tests that
 * stop and restart the cluster without disturbing the shared one. Its cluster state lives in a
 * temporary directory, so a restart on the same port rejoins the same cluster with its slots.
 */
export class PrivateClusterNode implements Restartable {
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async create(): Promise<PrivateClusterNode> {
    return new PrivateClusterNode(await freePort(), await mkdtemp(path.join(tmpdir(), 'glimpse-cluster-')));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the node, gives it every slot the first time, and waits for cluster_state:ok. */
  async startAndWait(timeoutMs = 15_000): Promise<void> {
    this.#child = spawn(
      '/usr/bin/redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1'],
        // Alone, a node does not know its own address and would announce an empty host.
        ...['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'],
        ...['--cluster-config-file', path.join(this.dir, 'nodes.conf'), '--dir', this.dir],
        ...['--save', '', '--appendonly', 'no'],
      ],
      { stdio: 'ignore' },
    );
    const admin = new Redis({
      port: this.port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => 50,
    });
    admin.on('error', () => undefined);
    try {
      const giveUpAt = Date.now() + timeoutMs;
      for (;;) {
        if (Date.now() > giveUpAt) throw new Error(`cluster node on ${this.address} did not become ok`);
        const info = await admin.cluster('INFO').catch(() => '');
        if (info.includes('cluster_state:ok')) return;
        if (info.includes('cluster_slots_assigned:0')) await admin.cluster('ADDSLOTSRANGE', 0, 16383);
        await sleep(50);
      }
    } finally {
      admin.disconnect();
    }
  }

  /** Stops the node and waits for it to exit. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
