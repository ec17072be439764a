/** Helpers for the specs of the Redis adapters (not used by the application). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Cluster, Redis } from 'ioredis';

import { freePort } from '../../testing/free-port.js';
import { parseClusterNode } from './redis.connection.js';

/** A Redis the specs expect to be running, and how to name it when it is not. */
export interface SharedServer {
  readonly where: string;
  readonly hint: string;
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sharedRedis = {
  url: redisUrl,
  where: redisUrl,
  hint: 'Start it (scripts/services-up.sh) or point REDIS_URL at one.',
};

const clusterNodes = (process.env.REDIS_CLUSTER_NODES ?? '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003')
  .split(',')
  .map((node) => node.trim())
  .filter((node) => node.length > 0);

export const sharedCluster = {
  nodes: clusterNodes,
  where: clusterNodes.join(','),
  hint: 'Start it with scripts/redis-cluster-up.sh or point REDIS_CLUSTER_NODES at one.',
};

/** A client of the shared cluster for the specs' own checks; `connect()` it before use. */
export function clusterAdmin(): Cluster {
  return new Cluster(
    sharedCluster.nodes.map((node) => parseClusterNode(node, 'REDIS_CLUSTER_NODES')),
    { lazyConnect: true },
  ).on('error', () => undefined);
}

/** An adapter opened by `open` that fails loudly when its server is not there: the specs must fail, not skip. */
export async function connectOrFail<T extends { ping(): Promise<void>; close(): Promise<void> }>(
  open: () => Promise<T>,
  server: SharedServer,
): Promise<T> {
  const adapter = await open();
  try {
    await adapter.ping();
  } catch (err) {
    await adapter.close();
    throw new Error(`Redis at ${server.where} is unreachable (${(err as Error).message}). ${server.hint}`, {
      cause: err,
    });
  }
  return adapter;
}

/** A redis-server of the test's own on a fixed port, without persistence. */
abstract class RedisServerProcess {
  #child: ChildProcess | undefined;

  protected constructor(
    readonly port: number,
    /** Arguments beyond the port, the address and no persistence. */
    private readonly args: readonly string[],
  ) {}

  start(): void {
    this.#child = spawn(
      '/usr/bin/redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1'],
        ...['--save', '', '--appendonly', 'no'],
        ...this.args,
      ],
      { stdio: 'ignore' },
    );
  }

  /** Stops the server and waits for it to exit. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/**
 * A standalone redis-server of the test's own on a free port (nothing on disk), for tests that
 * must stop the server or count its connections without disturbing the shared one. Start it
 * again on the same port to model a restart.
 */
export class PrivateRedis extends RedisServerProcess {
  private constructor(port: number) {
    super(port, ['--dir', tmpdir()]);
  }

  static async onFreePort(): Promise<PrivateRedis> {
    return new PrivateRedis(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async startAndWait(timeoutMs = 10_000): Promise<void> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await sleep(50);
    }
  }
}

/**
 * A one-node Redis Cluster of the test's own (all 16384 slots on one master), for tests that
 * stop and restart the cluster without disturbing the shared one. Its cluster state lives in a
 * temporary directory, so a restart on the same port rejoins the same cluster with its slots.
 */
export class PrivateClusterNode extends RedisServerProcess {
  private constructor(
    port: number,
    private readonly dir: string,
  ) {
    super(port, [
      // Alone, a node does not know its own address and would announce an empty host.
      ...['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'],
      ...['--cluster-config-file', path.join(dir, 'nodes.conf'), '--dir', dir],
    ]);
  }

  static async create(): Promise<PrivateClusterNode> {
    return new PrivateClusterNode(await freePort(), await mkdtemp(path.join(tmpdir(), 'glimpse-cluster-')));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the node, gives it every slot the first time, and waits for cluster_state:ok. */
  async startAndWait(timeoutMs = 15_000): Promise<void> {
    this.start();
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

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
