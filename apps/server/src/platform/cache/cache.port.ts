/**
 * The cache port: what the services need from Redis, and nothing more. The in-memory
 * adapter implements exactly the same semantics (held to it by one contract suite).
 *
 * Every method touches a single key, so the Redis adapter works unchanged on Redis
 * Cluster. Keys that must be used together share a hash tag (`{userId}`).
 * TTLs are in milliseconds.
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

export type MessageHandler = (message: string) => void;

export interface Cache {
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  del(key: string): Promise<boolean>;
  /** Remaining time to live in ms; null when the key is missing or has no expiry. */
  ttl(key: string): Promise<number | null>;
  expire(key: string, ttlMs: number): Promise<boolean>;

  /**
   * Atomically adds `by` to an integer counter. When the key is created by this call and
   * `ttlMsIfNew` is given, the key expires after that long (fixed windows for rate limits).
   */
  incrBy(key: string, by: number, ttlMsIfNew?: number): Promise<{ value: number; ttlMs: number | null }>;

  sAdd(key: string, members: readonly string[]): Promise<number>;
  sRem(key: string, members: readonly string[]): Promise<number>;
  sIsMember(key: string, member: string): Promise<boolean>;
  sMembers(key: string): Promise<string[]>;

  zAdd(key: string, entries: readonly ScoredMember[]): Promise<number>;
  zRem(key: string, members: readonly string[]): Promise<number>;
  /** Members ordered by score, highest first, within the options' bounds. */
  zRangeByScoreDesc(key: string, options?: RangeByScoreOptions): Promise<ScoredMember[]>;
  zCard(key: string): Promise<number>;
  /** Keeps only the `keep` highest-scored members; returns how many were removed. */
  zTrimToHighest(key: string, keep: number): Promise<number>;
  exists(key: string): Promise<boolean>;

  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;

  ping(): Promise<void>;
  close(): Promise<void>;
}
