import { Cluster, type Redis } from 'ioredis';
import type { ChainableCommander, ClientContext, RedisCommander, Result } from 'ioredis';

import {
  clusterClient,
  firstConnection,
  quit,
  type RedisConnectionOptions,
  redisTarget,
  redisTimeouts,
  standaloneClient,
  withDeadline,
} from '../redis/redis.connection.js';
import { asError, safeErrorListener } from '../errors.js';
import type {
  Cache,
  CacheEntry,
  RangeByScoreOptions,
  ReplaceOptions,
  ScoredMember,
  SetOptions,
} from './cache.port.js';
import {
  assertCount,
  assertEntries,
  assertInteger,
  assertKeys,
  assertMembers,
  assertPositiveCount,
  assertPositiveMs,
  rangeBounds,
} from './cache.validation.js';
import { clusterSlot } from './cluster-slot.js';

export interface RedisCacheOptions extends RedisConnectionOptions {
  /** Prepended to every key. */
  keyPrefix?: string;
  /** Connection errors; without it they are dropped. */
  onError?: (err: Error) => void;
}

type Client = Redis | Cluster;
/** The command surface Redis and Cluster share (legacy reply shapes: flat arrays, doubles as strings). */
type Commands = RedisCommander<{ type: 'default'; mapping: 'resp2' }>;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    glimpseIncrBy(key: string, by: number, ttlMsIfNew: number): Result<[number, number], Context>;
    glimpseIncrByIfExists(key: string, by: number): Result<number | null, Context>;
    glimpseZCard(key: string): Result<number, Context>;
    glimpseZTrim(key: string, stop: string): Result<number, Context>;
    glimpseZAddToExisting(key: string, score: string, member: string, stop: string): Result<number, Context>;
  }
}

/**
 * INCRBY plus "expire only if this call created the key", atomically. Checking the result against
 * `by` instead would be wrong: an existing counter at 0 also yields `by`, and would get its window
 * restarted. One key, so it runs on whichever cluster node owns it.
 */
const INCR_BY_SCRIPT = `
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if existed == 0 and ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {value, redis.call('PTTL', KEYS[1])}
`;

/**
 * INCRBY only on an existing key: a derived counter that expired or was evicted is rebuilt from
 * PostgreSQL by its reader, and an increment here would instead recreate it at `by`. A Lua nil
 * becomes a null reply. INCRBY keeps the key's TTL, as the port promises.
 */
const INCR_BY_IF_EXISTS_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
return redis.call('INCRBY', KEYS[1], ARGV[1])
`;

/**
 * The built marker of a sorted set (see the port): the member '' with score -inf, so that when
 * present it is always rank 0. Counts and trims below leave it out.
 */
const MARKER_MEMBER = '';
const MARKER_SCORE = '-inf';

const ZCARD_SCRIPT = `
local count = redis.call('ZCARD', KEYS[1])
if count > 0 and redis.call('ZSCORE', KEYS[1], '') then count = count - 1 end
return count
`;

/** ARGV[1] is the rank to remove up to, -(keep + 1), computed in JS where it is exact. */
const ZTRIM_SCRIPT = `
local first = 0
if redis.call('ZSCORE', KEYS[1], '') then first = 1 end
return redis.call('ZREMRANGEBYRANK', KEYS[1], first, ARGV[1])
`;

/** The fanout push: a missing key stays missing (an expired feed is rebuilt on read, not here). */
const ZADD_TO_EXISTING_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local first = 0
if redis.call('ZSCORE', KEYS[1], '') then first = 1 end
redis.call('ZREMRANGEBYRANK', KEYS[1], first, ARGV[3])
return 1
`;

/** Commands per pipeline: a batch over thousands of keys holds at most this many per node in flight. */
const PIPELINE_CHUNK = 1000;

/** Redis appends where a script failed; callers match on Redis's message, as for plain commands. */
const SCRIPT_ERROR_SUFFIX = / script: [0-9a-f]+, on @user_script:\d+\.$/;

/**
 * The cache on Redis or Redis Cluster (ioredis). Built to degrade rather than hang: while Redis is
 * unreachable every call rejects at once (no offline queue), a call that gets no reply rejects
 * after `commandTimeoutMs`, and the client keeps reconnecting in the background.
 */
export class RedisCache implements Cache {
  private readonly client: Client;
  private readonly commands: Commands;
  /** Prepended by ioredis to every key; the batches need it to tell which node owns a key. */
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private closed = false;

  /**
   * Resolves once the first connection attempt has settled (ready, failed, or `connectTimeoutMs`
   * passed) and never rejects: the service starts while Redis is down and `ping()` tells
   * readiness.
   */
  static async connect(options: RedisCacheOptions): Promise<RedisCache> {
    const cache = new RedisCache(options);
    await firstConnection(cache.client, cache.connectTimeoutMs);
    return cache;
  }

  private constructor(options: RedisCacheOptions) {
    const timeouts = redisTimeouts(options);
    this.commandTimeoutMs = timeouts.commandTimeoutMs;
    this.connectTimeoutMs = timeouts.connectTimeoutMs;
    this.keyPrefix = options.keyPrefix ?? '';
    const target = redisTarget(options, 'RedisCache');
    const onError = safeErrorListener(options.onError);
    const clientOptions = { keyPrefix: this.keyPrefix };
    this.client =
      'url' in target
        ? standaloneClient(target.url, timeouts, onError, clientOptions)
        : clusterClient(target.clusterNodes, timeouts, onError, clientOptions);
    this.commands = this.client;
    this.client.defineCommand('glimpseIncrBy', { numberOfKeys: 1, lua: INCR_BY_SCRIPT });
    this.client.defineCommand('glimpseIncrByIfExists', { numberOfKeys: 1, lua: INCR_BY_IF_EXISTS_SCRIPT });
    this.client.defineCommand('glimpseZCard', { numberOfKeys: 1, lua: ZCARD_SCRIPT });
    this.client.defineCommand('glimpseZTrim', { numberOfKeys: 1, lua: ZTRIM_SCRIPT });
    this.client.defineCommand('glimpseZAddToExisting', { numberOfKeys: 1, lua: ZADD_TO_EXISTING_SCRIPT });
  }

  async get(key: string): Promise<string | null> {
    return this.run('GET', () => this.commands.get(key));
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const { ttlMs, onlyIfAbsent = false } = options;
    if (ttlMs !== undefined) assertPositiveMs(ttlMs, 'ttlMs');
    const reply = await this.run('SET', () => {
      if (ttlMs !== undefined) {
        return onlyIfAbsent
          ? this.commands.set(key, value, 'PX', ttlMs, 'NX')
          : this.commands.set(key, value, 'PX', ttlMs);
      }
      return onlyIfAbsent ? this.commands.set(key, value, 'NX') : this.commands.set(key, value);
    });
    return reply === 'OK';
  }

  async del(key: string): Promise<boolean> {
    return (await this.run('DEL', () => this.commands.del(key))) === 1;
  }

  async ttl(key: string): Promise<number | null> {
    const pttl = await this.run('PTTL', () => this.commands.pttl(key));
    // -2: no such key, -1: no expiry.
    return pttl >= 0 ? pttl : null;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    assertInteger(ttlMs, 'ttlMs');
    return (await this.run('PEXPIRE', () => this.commands.pexpire(key, ttlMs))) === 1;
  }

  async incrBy(
    key: string,
    by: number,
    ttlMsIfNew?: number,
  ): Promise<{ value: number; ttlMs: number | null }> {
    assertInteger(by, 'by');
    if (ttlMsIfNew !== undefined) assertPositiveMs(ttlMsIfNew, 'ttlMsIfNew');
    const [value, pttl] = await this.runScript('INCRBY', () =>
      this.commands.glimpseIncrBy(key, by, ttlMsIfNew ?? 0),
    );
    return { value, ttlMs: pttl >= 0 ? pttl : null };
  }

  async incrByIfExists(key: string, by: number): Promise<number | null> {
    assertInteger(by, 'by');
    return this.runScript('INCRBY', () => this.commands.glimpseIncrByIfExists(key, by));
  }

  async sAdd(key: string, members: readonly string[]): Promise<number> {
    // Redis rejects SADD without members; nothing to add is simply nothing added.
    if (members.length === 0) return this.run('SADD', () => Promise.resolve(0));
    return this.run('SADD', () => this.commands.sadd(key, ...members));
  }

  async sRem(key: string, members: readonly string[]): Promise<number> {
    if (members.length === 0) return this.run('SREM', () => Promise.resolve(0));
    return this.run('SREM', () => this.commands.srem(key, ...members));
  }

  async sIsMember(key: string, member: string): Promise<boolean> {
    return (await this.run('SISMEMBER', () => this.commands.sismember(key, member))) === 1;
  }

  async sMembers(key: string): Promise<string[]> {
    return this.run('SMEMBERS', () => this.commands.smembers(key));
  }

  async zAdd(key: string, entries: readonly ScoredMember[]): Promise<number> {
    assertEntries(entries);
    if (entries.length === 0) return this.run('ZADD', () => Promise.resolve(0));
    return this.run('ZADD', () => this.commands.zadd(key, ...zaddArgs(entries)));
  }

  async zRem(key: string, members: readonly string[]): Promise<number> {
    assertMembers(members);
    if (members.length === 0) return this.run('ZREM', () => Promise.resolve(0));
    return this.run('ZREM', () => this.commands.zrem(key, ...members));
  }

  async zRangeByScoreDesc(key: string, options: RangeByScoreOptions = {}): Promise<ScoredMember[]> {
    const args = rangeArgs(options);
    return parseRange(await this.run('ZRANGE', () => this.commands.zrange(key, ...args)));
  }

  async zCard(key: string): Promise<number> {
    return this.runScript('ZCARD', () => this.commands.glimpseZCard(key));
  }

  async zTrimToHighest(key: string, keep: number): Promise<number> {
    assertCount(keep, 'keep');
    return this.runScript('ZREMRANGEBYRANK', () => this.commands.glimpseZTrim(key, trimStop(keep)));
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    assertKeys(keys);
    const replies = await this.pipelined(
      'GET',
      keys,
      (key) => key,
      (pipeline, key) => pipeline.get(key),
    );
    return replies.map((reply) => (typeof reply === 'string' ? reply : null));
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    assertKeys(entries.map((entry) => entry.key));
    for (const { ttlMs } of entries) if (ttlMs !== undefined) assertPositiveMs(ttlMs, 'ttlMs');
    await this.pipelined(
      'SET',
      entries,
      (entry) => entry.key,
      (pipeline, { key, value, ttlMs }) =>
        ttlMs === undefined ? pipeline.set(key, value) : pipeline.set(key, value, 'PX', ttlMs),
    );
  }

  async zAddToExisting(keys: readonly string[], entry: ScoredMember, keepHighest: number): Promise<number> {
    assertKeys(keys);
    assertEntries([entry]);
    assertPositiveCount(keepHighest, 'keepHighest');
    const score = formatScore(entry.score);
    const stop = trimStop(keepHighest);
    const replies = await this.pipelined(
      'ZADD',
      keys,
      (key) => key,
      (pipeline, key) => pipeline.glimpseZAddToExisting(key, score, entry.member, stop),
    );
    return sumReplies(replies);
  }

  async zRemFromMany(keys: readonly string[], members: readonly string[]): Promise<number> {
    assertKeys(keys);
    assertMembers(members);
    if (members.length === 0) return this.run('ZREM', () => Promise.resolve(0));
    const replies = await this.pipelined(
      'ZREM',
      keys,
      (key) => key,
      (pipeline, key) => pipeline.zrem(key, ...members),
    );
    return sumReplies(replies);
  }

  async zRangeByScoreDescMany(
    keys: readonly string[],
    options: RangeByScoreOptions = {},
  ): Promise<ScoredMember[][]> {
    assertKeys(keys);
    const args = rangeArgs(options);
    const replies = await this.pipelined(
      'ZRANGE',
      keys,
      (key) => key,
      (pipeline, key) => pipeline.zrange(key, ...args),
    );
    return replies.map(parseRange);
  }

  async zAddReplacing(
    key: string,
    entries: readonly ScoredMember[],
    options: ReplaceOptions = {},
  ): Promise<void> {
    assertKeys([key]);
    assertEntries(entries);
    const { ttlMs, keepHighest } = options;
    if (ttlMs !== undefined) assertPositiveMs(ttlMs, 'ttlMs');
    if (keepHighest !== undefined) assertPositiveCount(keepHighest, 'keepHighest');
    const replies = await this.run('MULTI', () => {
      // One transaction on one key: readers see the old set or the new one, never a half-built one.
      const transaction = this.client
        .multi()
        .del(key)
        .zadd(key, MARKER_SCORE, MARKER_MEMBER, ...zaddArgs(entries));
      // The marker is rank 0, so the real members start at rank 1.
      if (keepHighest !== undefined) transaction.zremrangebyrank(key, 1, trimStop(keepHighest));
      if (ttlMs !== undefined) transaction.pexpire(key, ttlMs);
      return transaction.exec();
    });
    const failed = replies?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.run('EXISTS', () => this.commands.exists(key))) === 1;
  }

  async ping(): Promise<void> {
    await this.run('PING', () => this.commands.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // `run` would refuse QUIT, as closed.
    await quit(this.client, this.commandTimeoutMs);
  }

  /** `run` for a Lua script, whose errors read like the plain command's. */
  private async runScript<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await this.run(operation, command);
    } catch (err) {
      throw stripScriptSuffix(asError(err));
    }
  }

  /**
   * Runs one single-key command per item, in pipelines of at most PIPELINE_CHUNK commands: on
   * Redis Cluster one series of pipelines per node (nodes in parallel), each holding only the
   * keys that node serves, since ioredis sends a pipeline to one node. Each pipeline gets its own
   * deadline. Replies come back in item order; a command that failed does not stop the others,
   * and the first failure in item order is thrown once all have run.
   */
  private async pipelined<T>(
    operation: string,
    items: readonly T[],
    keyOf: (item: T) => string,
    enqueue: (pipeline: ChainableCommander, item: T) => void,
  ): Promise<unknown[]> {
    if (this.closed) throw closedError();
    const replies = new Array<unknown>(items.length);
    let failure: { index: number; error: Error } | undefined;
    let abandoned = false;
    const sendGroup = async (group: readonly Indexed<T>[]): Promise<void> => {
      for (let start = 0; start < group.length && !abandoned; start += PIPELINE_CHUNK) {
        const chunk = group.slice(start, start + PIPELINE_CHUNK);
        let results: [Error | null, unknown][] | null;
        try {
          results = await this.run(operation, () => {
            const pipeline = this.client.pipeline();
            for (const { item } of chunk) enqueue(pipeline, item);
            return pipeline.exec();
          });
        } catch (err) {
          // The batch has failed: the other nodes' series stop after their current pipeline.
          abandoned = true;
          throw err;
        }
        chunk.forEach(({ index }, position) => {
          const [error, reply] = results?.[position] ?? [new Error(`Redis ${operation}: no reply`), null];
          if (error === null) replies[index] = reply;
          else if (!failure || index < failure.index) failure = { index, error: stripScriptSuffix(error) };
        });
      }
    };
    await Promise.all(this.groupByNode(items, keyOf).map(sendGroup));
    if (failure) throw failure.error;
    return replies;
  }

  private groupByNode<T>(items: readonly T[], keyOf: (item: T) => string): Indexed<T>[][] {
    const indexed = items.map((item, index) => ({ item, index }));
    if (!(this.client instanceof Cluster)) return indexed.length === 0 ? [] : [indexed];
    const slots = this.client.slots;
    const groups = new Map<string, Indexed<T>[]>();
    for (const entry of indexed) {
      const slot = clusterSlot(this.keyPrefix + keyOf(entry.item));
      const nodes = slots[slot];
      if (!nodes || nodes.length === 0) {
        // Before the first slot map arrives (cluster unreachable); fail fast, as single commands do.
        throw new Error(`Redis Cluster: no node known for slot ${slot}`);
      }
      // The node set, as ioredis itself groups slots when it checks a pipeline.
      const node = nodes.join(';');
      const group = groups.get(node);
      if (group) group.push(entry);
      else groups.set(node, [entry]);
    }
    return [...groups.values()];
  }

  /** Runs one command of a caller's, refused once the cache is closed. */
  private run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return withDeadline(operation, this.commandTimeoutMs, command);
  }
}

interface Indexed<T> {
  readonly item: T;
  readonly index: number;
}

function zaddArgs(entries: readonly ScoredMember[]): string[] {
  return entries.flatMap(({ member, score }) => [formatScore(score), member]);
}

/** ZRANGE's arguments after the key for a range read, after checking the options. */
function rangeArgs(
  options: RangeByScoreOptions,
): [string, string, 'BYSCORE', 'REV', 'LIMIT', number, number, 'WITHSCORES'] {
  const { max, min } = rangeBounds(options);
  const start = (options.maxExclusive ? '(' : '') + formatScore(max);
  // A negative count means "no limit" to Redis.
  return [start, formatScore(min), 'BYSCORE', 'REV', 'LIMIT', 0, options.limit ?? -1, 'WITHSCORES'];
}

/**
 * A ZRANGE WITHSCORES reply without the built marker. Dropping it never shortens a limited page
 * wrongly: the marker is the last member of any range that reaches it.
 */
function parseRange(reply: unknown): ScoredMember[] {
  const flat = Array.isArray(reply) ? reply.map(String) : [];
  const result: ScoredMember[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const member = flat[i] ?? '';
    if (member !== MARKER_MEMBER) result.push({ member, score: parseScore(flat[i + 1] ?? '') });
  }
  return result;
}

/** The rank ZREMRANGEBYRANK removes up to so that `keep` members stay (ranks count from the lowest). */
function trimStop(keep: number): string {
  return String(-(keep + 1));
}

function sumReplies(replies: readonly unknown[]): number {
  return replies.reduce<number>((total, reply) => total + Number(reply), 0);
}

function stripScriptSuffix(err: Error): Error {
  err.message = err.message.replace(SCRIPT_ERROR_SUFFIX, '');
  return err;
}

function formatScore(score: number): string {
  if (score === Infinity) return '+inf';
  if (score === -Infinity) return '-inf';
  return String(score);
}

function parseScore(text: string): number {
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

function closedError(): Error {
  return new Error('Cache is closed');
}
