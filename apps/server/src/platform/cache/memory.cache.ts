import { performance } from 'node:perf_hooks';

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
  NOT_AN_INTEGER_MESSAGE,
  OVERFLOW_MESSAGE,
  rangeBounds,
  WRONGTYPE_MESSAGE,
} from './cache.validation.js';

export interface MemoryCacheOptions {
  /** How often expired keys nobody reads again are dropped (default 1000 ms). */
  sweepIntervalMs?: number;
}

type StoredValue =
  | { kind: 'string'; value: string }
  | { kind: 'set'; members: Set<string> }
  /** `built`: written by zAddReplacing, so it outlives its last member (the port's built marker). */
  | { kind: 'zset'; scores: Map<string, number>; built: boolean };

type Kind = StoredValue['kind'];
type SortedSet = Extract<StoredValue, { kind: 'zset' }>;

interface Entry {
  value: StoredValue;
  /** On the monotonic clock (performance.now()), so wall-clock jumps neither expire nor revive keys. */
  expiresAt: number | null;
}

/** What Redis's INCRBY accepts as an integer: no sign on zero, no leading zeros, no spaces. */
const INTEGER_TEXT = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * The embedded cache: the same semantics as the Redis adapter (the contract suite holds both to
 * them), for one process. Expired keys vanish when read and are swept periodically.
 */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    const sweepIntervalMs = options.sweepIntervalMs ?? 1000;
    assertPositiveMs(sweepIntervalMs, 'sweepIntervalMs');
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    // The sweep only frees memory; it must not keep a finished process alive.
    this.sweeper.unref();
  }

  get(key: string): Promise<string | null> {
    return this.op(() => this.getValue(key));
  }

  set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    return this.op(() => {
      if (options.ttlMs !== undefined) assertPositiveMs(options.ttlMs, 'ttlMs');
      if (options.onlyIfAbsent && this.live(key)) return false;
      this.setValue(key, value, options.ttlMs);
      return true;
    });
  }

  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.op(() => {
      assertKeys(keys);
      return this.eachKey(keys, (key) => this.getValue(key));
    });
  }

  setMany(entries: readonly CacheEntry[]): Promise<void> {
    return this.op(() => {
      assertKeys(entries.map((entry) => entry.key));
      for (const { ttlMs } of entries) if (ttlMs !== undefined) assertPositiveMs(ttlMs, 'ttlMs');
      for (const { key, value, ttlMs } of entries) this.setValue(key, value, ttlMs);
    });
  }

  del(key: string): Promise<boolean> {
    return this.op(() => this.live(key) !== undefined && this.entries.delete(key));
  }

  ttl(key: string): Promise<number | null> {
    return this.op(() => {
      const entry = this.live(key);
      return entry ? this.remaining(entry) : null;
    });
  }

  expire(key: string, ttlMs: number): Promise<boolean> {
    return this.op(() => {
      assertInteger(ttlMs, 'ttlMs');
      const entry = this.live(key);
      if (!entry) return false;
      // PEXPIRE with a time in the past deletes the key.
      if (ttlMs <= 0) this.entries.delete(key);
      else entry.expiresAt = this.now() + ttlMs;
      return true;
    });
  }

  incrBy(key: string, by: number, ttlMsIfNew?: number): Promise<{ value: number; ttlMs: number | null }> {
    return this.op(() => {
      assertInteger(by, 'by');
      if (ttlMsIfNew !== undefined) assertPositiveMs(ttlMsIfNew, 'ttlMsIfNew');
      const entry = this.live(key);
      if (!entry) {
        this.entries.set(key, {
          value: { kind: 'string', value: String(by) },
          expiresAt: this.deadline(ttlMsIfNew),
        });
        return { value: by, ttlMs: ttlMsIfNew ?? null };
      }
      const value = this.addTo(entry, by);
      return { value, ttlMs: this.remaining(entry) };
    });
  }

  incrByIfExists(key: string, by: number): Promise<number | null> {
    return this.op(() => {
      assertInteger(by, 'by');
      const entry = this.live(key);
      if (!entry) return null;
      return this.addTo(entry, by);
    });
  }

  sAdd(key: string, members: readonly string[]): Promise<number> {
    return this.op(() => {
      if (members.length === 0) return 0;
      const set = this.read(key, 'set') ?? this.create(key, { kind: 'set', members: new Set<string>() });
      const before = set.members.size;
      for (const member of members) set.members.add(member);
      return set.members.size - before;
    });
  }

  sRem(key: string, members: readonly string[]): Promise<number> {
    return this.op(() => {
      if (members.length === 0) return 0;
      const set = this.read(key, 'set');
      if (!set) return 0;
      let removed = 0;
      for (const member of members) if (set.members.delete(member)) removed += 1;
      if (set.members.size === 0) this.entries.delete(key);
      return removed;
    });
  }

  sIsMember(key: string, member: string): Promise<boolean> {
    return this.op(() => this.read(key, 'set')?.members.has(member) ?? false);
  }

  sMembers(key: string): Promise<string[]> {
    return this.op(() => [...(this.read(key, 'set')?.members ?? [])]);
  }

  zAdd(key: string, entries: readonly ScoredMember[]): Promise<number> {
    return this.op(() => {
      assertEntries(entries);
      if (entries.length === 0) return 0;
      const zset = this.read(key, 'zset') ?? this.createZset(key);
      const before = zset.scores.size;
      for (const { member, score } of entries) zset.scores.set(member, score);
      return zset.scores.size - before;
    });
  }

  zRem(key: string, members: readonly string[]): Promise<number> {
    return this.op(() => {
      assertMembers(members);
      return this.removeMembers(key, members);
    });
  }

  zRangeByScoreDesc(key: string, options: RangeByScoreOptions = {}): Promise<ScoredMember[]> {
    return this.op(() => {
      rangeBounds(options);
      return this.range(key, options);
    });
  }

  zCard(key: string): Promise<number> {
    return this.op(() => this.read(key, 'zset')?.scores.size ?? 0);
  }

  zTrimToHighest(key: string, keep: number): Promise<number> {
    return this.op(() => {
      assertCount(keep, 'keep');
      const zset = this.read(key, 'zset');
      return zset ? this.trim(key, zset, keep) : 0;
    });
  }

  zAddToExisting(keys: readonly string[], entry: ScoredMember, keepHighest: number): Promise<number> {
    return this.op(() => {
      assertKeys(keys);
      assertEntries([entry]);
      assertPositiveCount(keepHighest, 'keepHighest');
      const received = this.eachKey(keys, (key) => {
        // Missing: stays missing. Another type: WRONGTYPE, nothing written (as Redis's script).
        const zset = this.read(key, 'zset');
        if (!zset) return 0;
        zset.scores.set(entry.member, entry.score);
        this.trim(key, zset, keepHighest);
        return 1;
      });
      return sum(received);
    });
  }

  zRemFromMany(keys: readonly string[], members: readonly string[]): Promise<number> {
    return this.op(() => {
      assertKeys(keys);
      assertMembers(members);
      if (members.length === 0) return 0;
      return sum(this.eachKey(keys, (key) => this.removeMembers(key, members)));
    });
  }

  zRangeByScoreDescMany(
    keys: readonly string[],
    options: RangeByScoreOptions = {},
  ): Promise<ScoredMember[][]> {
    return this.op(() => {
      assertKeys(keys);
      rangeBounds(options);
      return this.eachKey(keys, (key) => this.range(key, options));
    });
  }

  zAddReplacing(key: string, entries: readonly ScoredMember[], options: ReplaceOptions = {}): Promise<void> {
    return this.op(() => {
      assertKeys([key]);
      assertEntries(entries);
      const { ttlMs, keepHighest } = options;
      if (ttlMs !== undefined) assertPositiveMs(ttlMs, 'ttlMs');
      if (keepHighest !== undefined) assertPositiveCount(keepHighest, 'keepHighest');
      const zset: SortedSet = { kind: 'zset', scores: new Map(), built: true };
      for (const { member, score } of entries) zset.scores.set(member, score);
      this.entries.set(key, { value: zset, expiresAt: this.deadline(ttlMs) });
      if (keepHighest !== undefined) this.trim(key, zset, keepHighest);
    });
  }

  exists(key: string): Promise<boolean> {
    return this.op(() => this.live(key) !== undefined);
  }

  ping(): Promise<void> {
    return this.op(() => undefined);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      clearInterval(this.sweeper);
      this.entries.clear();
    }
    return Promise.resolve();
  }

  /** The entry under `key` unless it has expired (then it is dropped, as Redis does on access). */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** INCRBY on an existing entry: the new value, or Redis's error for a non-integer or overflow. */
  private addTo(entry: Entry, by: number): number {
    if (entry.value.kind !== 'string') throw new Error(WRONGTYPE_MESSAGE);
    const text = entry.value.value;
    const current = Number(text);
    if (!INTEGER_TEXT.test(text) || !Number.isSafeInteger(current)) throw new Error(NOT_AN_INTEGER_MESSAGE);
    const value = current + by;
    // Redis counts in 64 bits; we refuse to go past what a JS number holds exactly.
    if (!Number.isSafeInteger(value)) throw new Error(OVERFLOW_MESSAGE);
    entry.value = { kind: 'string', value: String(value) };
    return value;
  }

  private getValue(key: string): string | null {
    return this.read(key, 'string')?.value ?? null;
  }

  /** Like SET, this replaces a value of any type and drops any previous expiry. */
  private setValue(key: string, value: string, ttlMs: number | undefined): void {
    this.entries.set(key, { value: { kind: 'string', value }, expiresAt: this.deadline(ttlMs) });
  }

  private removeMembers(key: string, members: readonly string[]): number {
    if (members.length === 0) return 0;
    const zset = this.read(key, 'zset');
    if (!zset) return 0;
    let removed = 0;
    for (const member of members) if (zset.scores.delete(member)) removed += 1;
    this.dropIfEmpty(key, zset);
    return removed;
  }

  /** Options already checked. A fresh array of fresh objects: callers may do what they like with it. */
  private range(key: string, options: RangeByScoreOptions): ScoredMember[] {
    const { max = Infinity, min = -Infinity, maxExclusive = false, limit } = options;
    const zset = this.read(key, 'zset');
    if (!zset) return [];
    const inRange: ScoredMember[] = [];
    for (const [member, score] of zset.scores) {
      if (score >= min && (maxExclusive ? score < max : score <= max)) inRange.push({ member, score });
    }
    inRange.sort((a, b) => compareScored(b, a));
    return limit === undefined ? inRange : inRange.slice(0, limit);
  }

  /** Keeps the `keep` highest-scored members; returns how many went. */
  private trim(key: string, zset: SortedSet, keep: number): number {
    if (zset.scores.size <= keep) return 0;
    const ascending = [...zset.scores].map(([member, score]) => ({ member, score })).sort(compareScored);
    const doomed = ascending.slice(0, ascending.length - keep);
    for (const { member } of doomed) zset.scores.delete(member);
    this.dropIfEmpty(key, zset);
    return doomed.length;
  }

  /** Redis deletes an emptied sorted set, unless its built marker is still in it. */
  private dropIfEmpty(key: string, zset: SortedSet): void {
    if (zset.scores.size === 0 && !zset.built) this.entries.delete(key);
  }

  private createZset(key: string): SortedSet {
    return this.create(key, { kind: 'zset', scores: new Map<string, number>(), built: false });
  }

  /**
   * Runs `body` for every key, as a Redis pipeline does: a key that fails does not stop the
   * others, and the first failure in key order is thrown once all have run.
   */
  private eachKey<T>(keys: readonly string[], body: (key: string) => T): T[] {
    const results: T[] = [];
    let failure: { error: unknown } | undefined;
    for (const key of keys) {
      try {
        results.push(body(key));
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    return results;
  }

  private read<K extends Kind>(key: string, kind: K): Extract<StoredValue, { kind: K }> | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    if (entry.value.kind !== kind) throw new Error(WRONGTYPE_MESSAGE);
    return entry.value as Extract<StoredValue, { kind: K }>;
  }

  private create<V extends StoredValue>(key: string, value: V): V {
    this.entries.set(key, { value, expiresAt: null });
    return value;
  }

  private remaining(entry: Entry): number | null {
    return entry.expiresAt === null ? null : Math.max(0, Math.round(entry.expiresAt - this.now()));
  }

  private deadline(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.now() + ttlMs;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  private now(): number {
    return performance.now();
  }

  /**
   * Runs one operation the way a call to Redis settles: asynchronously, with any throw (a closed
   * cache, WRONGTYPE, a bad argument) turned into a rejection.
   */
  private op<T>(body: () => T): Promise<T> {
    try {
      if (this.closed) throw new Error('Cache is closed');
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Redis's sorted-set order: by score, then by member bytewise. */
function compareScored(a: ScoredMember, b: ScoredMember): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return compareBytewise(a.member, b.member);
}

/**
 * Compares strings by their UTF-8 bytes, as Redis does, without encoding them: UTF-8 order is
 * code point order, which differs from JS's UTF-16 code unit order only where a surrogate
 * (a character above U+FFFF) meets a unit in U+E000..U+FFFF.
 */
function compareBytewise(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
