/** Helpers for the Redis adapter's specs (not used by the application). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';

import { Cluster, type Redis } from 'ioredis';

import { freePort } from '../../testing/free-port.js';
import { RedisCache, type RedisCacheOptions } from './redis.cache.js';

export { freePort };

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

export function succeeds(promise: Promise<unknown>): Promise<boolean> {
  return promise.then(
    () => true,
    () => false,
  );
}

/**
 * A redis-server of the test's own on a free port (nothing on disk), for tests that must stop
 * the server or count its connections without disturbing the shared one. Start it again on the
 * same port to model a restart.
 */
export class PrivateRedis {
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async onFreePort(): Promise<PrivateRedis> {
    return new PrivateRedis(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  start(): void {
    this.#child = spawn(
      '/usr/bin/redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        tmpdir(),
      ],
      { stdio: 'ignore' },
    );
  }

  /** Starts the server and waits until it accepts connections. */
  async startAndWait(timeoutMs = 10_000): Promise<void> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
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
