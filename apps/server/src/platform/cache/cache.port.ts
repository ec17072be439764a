/**
 * The cache port: what the services need from Redis, and nothing more. The in-memory
 * adapter implements exactly the same semantics (held to it by one contract suite).
 *
 * Every command touches a single key, so the Redis adapter works unchanged on Redis Cluster.
 * Keys that must be used together share a hash tag (`{userId}`). The `...Many` methods are
 * batches of such single-key commands, sent in one pipeline per cluster node: they are not
 * atomic as a whole (each key's part is), and a key given twice is processed twice, in order.
 * When a key's part fails (WRONGTYPE) the other keys are still processed and the call then
 * rejects with the first failure in key order; bad arguments reject before anything is written.
 * TTLs are in milliseconds.
 *
 * Built marker: a sorted set written by `zAddReplacing` is marked as built. It exists
 * (`exists`, `zAddToExisting`) even with no members, and removing or trimming away all of its
 * members leaves it existing and empty until it expires or is deleted, so that "rebuilt, and
 * empty" differs from "missing". On Redis the marker is the member `''` with score -inf (one
 * key, so it shares the set's TTL and atomicity, and with the lowest rank it is always rank 0);
 * every read hides it and no count includes it. The empty string is therefore not a valid
 * sorted-set member: sorted-set methods reject it with a RangeError.
 */
export interface ScoredMember {
  member: string;
  score: number;
}

export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  ttlMs?: number;
  /** Only set when the key does not exist (SET NX). */
  onlyIfAbsent?: boolean;
}

export interface RangeByScoreOptions {
  /** Highest score included (default +inf). */
  max?: number;
  /** Lowest score included (default -inf). */
  min?: number;
  /** Exclude `max` itself (for cursors: "strictly older than"). */
  maxExclusive?: boolean;
  limit?: number;
}

export interface CacheEntry {
  key: string;
  value: string;
  /** Expire the key after this many milliseconds; without it the key does not expire. */
  ttlMs?: number;
}

export interface ReplaceOptions {
  /** Expire the sorted set after this many milliseconds; without it, it does not expire. */
  ttlMs?: number;
  /** Keep only this many highest-scored entries (ties: the bytewise greater members). */
  keepHighest?: number;
}

export interface Cache {
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  del(key: string): Promise<boolean>;
  /** Remaining time to live in ms; null when the key is missing or has no expiry. */
  ttl(key: string): Promise<number | null>;
  /** Sets the TTL of an existing key (false when missing: the "touch" of a read); <= 0 deletes it. */
  expire(key: string, ttlMs: number): Promise<boolean>;

  /**
   * Atomically adds `by` to an integer counter. When the key is created by this call and
   * `ttlMsIfNew` is given, the key expires after that long (fixed windows for rate limits).
   */
  incrBy(key: string, by: number, ttlMsIfNew?: number): Promise<{ value: number; ttlMs: number | null }>;
  /**
   * Atomically adds `by` to an integer counter only when the key exists, and returns the new
   * value; null, with nothing written, when the key is missing. The TTL is left as it was. For
   * counters derived from PostgreSQL: a missing one is rebuilt from the truth, never started
   * from zero by an increment.
   */
  incrByIfExists(key: string, by: number): Promise<number | null>;

  sAdd(key: string, members: readonly string[]): Promise<number>;
  sRem(key: string, members: readonly string[]): Promise<number>;
  sIsMember(key: string, member: string): Promise<boolean>;
  sMembers(key: string): Promise<string[]>;

  /** Returns how many members were new; the TTL is left as it was. */
  zAdd(key: string, entries: readonly ScoredMember[]): Promise<number>;
  zRem(key: string, members: readonly string[]): Promise<number>;
  /** Members ordered by score, highest first, within the options' bounds. */
  zRangeByScoreDesc(key: string, options?: RangeByScoreOptions): Promise<ScoredMember[]>;
  zCard(key: string): Promise<number>;
  /** Keeps only the `keep` highest-scored members; returns how many were removed. */
  zTrimToHighest(key: string, keep: number): Promise<number>;
  exists(key: string): Promise<boolean>;

  /** GET of many keys (one pipeline per node, not MGET): values in key order, null when missing. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** SET of many keys, each with its own optional TTL (replacing any value and expiry). */
  setMany(entries: readonly CacheEntry[]): Promise<void>;

  /**
   * For each key that exists (a missing key stays missing: an expired feed is not recreated),
   * atomically per key: add `entry` (or update its score), then keep the `keepHighest`
   * highest-scored members. The TTL is left as it was. Returns how many keys existed, i.e.
   * received the member, even when it was already there or did not make the cut.
   */
  zAddToExisting(keys: readonly string[], entry: ScoredMember, keepHighest: number): Promise<number>;
  /** Removes `members` from every key; returns how many were removed in total. */
  zRemFromMany(keys: readonly string[], members: readonly string[]): Promise<number>;
  /** `zRangeByScoreDesc` on every key, results in key order ([] for a missing key). */
  zRangeByScoreDescMany(keys: readonly string[], options?: RangeByScoreOptions): Promise<ScoredMember[][]>;
  /**
   * Atomically replaces whatever `key` holds with a sorted set of `entries` (trimmed to
   * `keepHighest`, expiring after `ttlMs`) that carries the built marker: with no entries the
   * key still exists, as an empty sorted set.
   */
  zAddReplacing(key: string, entries: readonly ScoredMember[], options?: ReplaceOptions): Promise<void>;

  ping(): Promise<void>;
  close(): Promise<void>;
}
