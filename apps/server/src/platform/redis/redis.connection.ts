/**
 * How the Redis adapters (cache, pub/sub) connect, so that both degrade alike while Redis is
 * down: calls are refused at once instead of queued, none outlives its deadline, the clients
 * reconnect forever in the background, and connection errors go to `onError`, never to an
 * unhandled 'error' event.
 */
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

import { assertPositiveMs } from '../cache/cache.validation.js';
import type { HostPort } from '../config/config.js';
import { asError } from '../errors.js';

/** The connection options every Redis adapter takes. */
export interface RedisConnectionOptions {
  /** Standalone Redis, e.g. `redis://127.0.0.1:6379`. Exactly one of `url` and `clusterNodes`. */
  url?: string;
  /** Redis Cluster startup nodes as `host:port`; the rest of the cluster is discovered. */
  clusterNodes?: readonly string[];
  /** Longest any call may take before it rejects (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Longest `connect()` waits for the first connection, and each TCP connect attempt (default 2000 ms). */
  connectTimeoutMs?: number;
}

export type RedisTarget = { url: string } | { clusterNodes: HostPort[] };

export type RedisTimeouts = Required<Pick<RedisConnectionOptions, 'commandTimeoutMs' | 'connectTimeoutMs'>>;

/** The timeouts of the options, defaulted and checked. */
export function redisTimeouts(options: RedisConnectionOptions): RedisTimeouts {
  const timeouts = {
    commandTimeoutMs: options.commandTimeoutMs ?? 1000,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
  };
  assertPositiveMs(timeouts.commandTimeoutMs, 'commandTimeoutMs');
  assertPositiveMs(timeouts.connectTimeoutMs, 'connectTimeoutMs');
  return timeouts;
}

/** Checks the target options; `owner` names the adapter in the messages. */
export function redisTarget({ url, clusterNodes }: RedisConnectionOptions, owner: string): RedisTarget {
  if ((url === undefined) === (clusterNodes === undefined)) {
    throw new TypeError(`${owner} needs exactly one of \`url\` and \`clusterNodes\``);
  }
  if (url !== undefined) return { url };
  if (clusterNodes === undefined || clusterNodes.length === 0) {
    throw new TypeError(`${owner}: clusterNodes is empty`);
  }
  return { clusterNodes: clusterNodes.map((node) => parseClusterNode(node, owner)) };
}

/** `host:port` as ioredis takes a node; `owner` names who asked, in the message. */
export function parseClusterNode(node: string, owner: string): HostPort {
  const colon = node.lastIndexOf(':');
  const host = node.slice(0, colon);
  const port = Number(node.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`${owner}: cluster node "${node}" is not host:port`);
  }
  return { host, port };
}

/**
 * Fail fast rather than queue: while disconnected a command is refused at once instead of
 * waiting for a reconnection, so a cache caller falls back to PostgreSQL and a publish rejects
 * without a delay. A command in flight when a connection drops is not sent again after
 * reconnecting (an INCRBY that did run would count twice, a notification is at most once): it
 * fails, at the latest when its deadline passes.
 */
function connectionOptions({ commandTimeoutMs, connectTimeoutMs }: RedisTimeouts) {
  return {
    commandTimeout: commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
  } satisfies RedisOptions;
}

/** Reconnect forever, backing off to one attempt every 2 s. */
const retryDelay = (times: number): number => Math.min(times * 100, 2000);

/** A connection to a standalone Redis; `onError` must not throw. */
export function standaloneClient(
  url: string,
  timeouts: RedisTimeouts,
  onError: (err: Error) => void,
  options: Pick<RedisOptions, 'keyPrefix'> = {},
): Redis {
  const client = new Redis(url, {
    ...connectionOptions(timeouts),
    ...options,
    enableOfflineQueue: false,
    retryStrategy: retryDelay,
  });
  // An 'error' event without a listener is thrown by EventEmitter and would kill the process.
  client.on('error', (err: unknown) => onError(asError(err)));
  return client;
}

/** A Redis Cluster client; `onError` (which must not throw) also hears each node's errors. */
export function clusterClient(
  nodes: readonly HostPort[],
  timeouts: RedisTimeouts,
  onError: (err: Error) => void,
  options: Pick<ClusterOptions, 'keyPrefix' | 'shardedSubscribers'> = {},
): Cluster {
  const client = new Cluster([...nodes], {
    ...options,
    enableOfflineQueue: false,
    clusterRetryStrategy: retryDelay,
    redisOptions: connectionOptions(timeouts),
  });
  client.on('error', (err: unknown) => onError(asError(err)));
  client.on('node error', (err: unknown) => onError(asError(err)));
  return client;
}

/** Resolves on the first 'ready', 'error' or 'end' (or after `timeoutMs`); never rejects. */
export function firstConnection(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const settle = (): void => {
      clearTimeout(timer);
      client.off('ready', settle);
      client.off('error', settle);
      client.off('end', settle);
      resolve();
    };
    const timer = setTimeout(settle, timeoutMs);
    client.on('ready', settle);
    client.on('error', settle);
    client.on('end', settle);
  });
}

/**
 * Runs one command with a hard deadline. ioredis's own `commandTimeout` covers a command sent on
 * a connection, but a Cluster can hold a command longer (redirections, retries while a node
 * fails over): no call may outlive `timeoutMs`.
 */
export function withDeadline<T>(operation: string, timeoutMs: number, command: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Redis ${operation} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    command().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(asError(err));
      },
    );
  });
}

/**
 * QUIT lets the replies to commands already sent arrive first. It is refused while disconnected,
 * or may not be answered in time: then disconnect(), which also stops the reconnect loop.
 */
export async function quit(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  try {
    await withDeadline('QUIT', timeoutMs, () => client.quit());
  } catch {
    client.disconnect();
  }
}
