import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Cache, ScoredMember } from './cache.port.js';

export interface CacheUnderTest {
  cache: Cache;
  /** Runs after the suite has closed `cache`: drop keys, stop servers. */
  cleanup?: () => Promise<void>;
}

export type CacheFactory = () => Promise<CacheUnderTest>;

/** Polls until `check` holds; the limit only stops a broken adapter from hanging the run. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for: ${what}`);
    await sleep(20);
  }
}

const WRONGTYPE = /^WRONGTYPE /;

/**
 * The behaviour every cache adapter must have, written against Redis's semantics. Each adapter's
 * spec calls this with a factory; keys carry a random per-run prefix so parallel runs against one
 * server do not collide.
 */
export function describeCacheContract(name: string, factory: CacheFactory): void {
  describe(`Cache contract: ${name}`, () => {
    const run = randomUUID().slice(0, 8);
    let counter = 0;
    const key = (label: string): string => {
      counter += 1;
      return `contract:${run}:${counter}:${label}`;
    };
    let subject: CacheUnderTest | undefined;
    let cache: Cache;
    let setupError: Error | undefined;

    beforeAll(async () => {
      try {
        subject = await factory();
        cache = subject.cache;
      } catch (err) {
        setupError = err instanceof Error ? err : new Error(String(err));
      }
    });

    // A failing beforeAll makes vitest skip the tests; an unreachable server must fail each one.
    beforeEach(() => {
      if (setupError) throw setupError;
    });

    afterAll(async () => {
      await subject?.cache.close();
      await subject?.cleanup?.();
    });

    describe('strings', () => {
      it('returns null for a missing key', async () => {
        expect(await cache.get(key('missing'))).toBeNull();
      });

      it('stores, overwrites and deletes a value', async () => {
        const k = key('value');
        expect(await cache.set(k, 'first')).toBe(true);
        expect(await cache.get(k)).toBe('first');
        expect(await cache.set(k, 'zweite — 第二 😀')).toBe(true);
        expect(await cache.get(k)).toBe('zweite — 第二 😀');
        expect(await cache.exists(k)).toBe(true);
        expect(await cache.del(k)).toBe(true);
        expect(await cache.get(k)).toBeNull();
        expect(await cache.exists(k)).toBe(false);
        expect(await cache.del(k)).toBe(false);
      });

      it('stores the empty string as a value, not as absence', async () => {
        const k = key('empty');
        await cache.set(k, '');
        expect(await cache.get(k)).toBe('');
        expect(await cache.exists(k)).toBe(true);
      });

      it('sets with onlyIfAbsent only when the key is missing', async () => {
        const k = key('nx');
        expect(await cache.set(k, 'one', { onlyIfAbsent: true })).toBe(true);
        expect(await cache.set(k, 'two', { onlyIfAbsent: true })).toBe(false);
        expect(await cache.get(k)).toBe('one');
        expect(await cache.ttl(k)).toBeNull();
      });

      it('combines onlyIfAbsent with a ttl', async () => {
        const k = key('nx-ttl');
        expect(await cache.set(k, 'one', { onlyIfAbsent: true, ttlMs: 60_000 })).toBe(true);
        expect(await cache.set(k, 'two', { onlyIfAbsent: true, ttlMs: 120_000 })).toBe(false);
        const ttl = await cache.ttl(k);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      });
    });

    describe('expiry', () => {
      it('reports no ttl for a missing key or a key without expiry', async () => {
        const k = key('no-ttl');
        expect(await cache.ttl(k)).toBeNull();
        await cache.set(k, 'v');
        expect(await cache.ttl(k)).toBeNull();
      });

      it('expires a key set with ttlMs', async () => {
        const k = key('short');
        await cache.set(k, 'v', { ttlMs: 150 });
        const ttl = await cache.ttl(k);
        expect(ttl).not.toBeNull();
        expect(ttl).toBeGreaterThanOrEqual(0);
        expect(ttl).toBeLessThanOrEqual(150);
        await eventually(async () => (await cache.get(k)) === null, 'key with 150 ms ttl to expire');
        expect(await cache.exists(k)).toBe(false);
        expect(await cache.ttl(k)).toBeNull();
        expect(await cache.set(k, 'again', { onlyIfAbsent: true })).toBe(true);
      });

      it('sets a ttl on an existing key with expire, and refuses a missing key', async () => {
        const k = key('expire');
        expect(await cache.expire(k, 60_000)).toBe(false);
        expect(await cache.exists(k)).toBe(false);
        await cache.set(k, 'v');
        expect(await cache.expire(k, 60_000)).toBe(true);
        const ttl = await cache.ttl(k);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
        expect(await cache.expire(k, 150)).toBe(true);
        await eventually(async () => !(await cache.exists(k)), 'key with 150 ms expire to vanish');
      });

      it('drops the previous expiry when a key is set again without ttl', async () => {
        const k = key('persist');
        await cache.set(k, 'v', { ttlMs: 60_000 });
        await cache.set(k, 'w');
        expect(await cache.ttl(k)).toBeNull();
      });

      it('deletes the key when expire is given zero or a negative time', async () => {
        const k = key('expire-now');
        await cache.set(k, 'v');
        expect(await cache.expire(k, 0)).toBe(true);
        expect(await cache.exists(k)).toBe(false);
        await cache.set(k, 'v');
        expect(await cache.expire(k, -5)).toBe(true);
        expect(await cache.get(k)).toBeNull();
      });

      it('expires sets and sorted sets too', async () => {
        const s = key('set');
        const z = key('zset');
        await cache.sAdd(s, ['a']);
        await cache.zAdd(z, [{ member: 'a', score: 1 }]);
        await cache.expire(s, 150);
        await cache.expire(z, 150);
        await eventually(
          async () => !(await cache.exists(s)) && !(await cache.exists(z)),
          'collections to expire',
        );
        expect(await cache.sMembers(s)).toEqual([]);
        expect(await cache.zCard(z)).toBe(0);
      });

      it('rejects ttls that are not positive whole milliseconds, without writing', async () => {
        const k = key('bad-ttl');
        await expect(cache.set(k, 'v', { ttlMs: 0 })).rejects.toThrow(RangeError);
        await expect(cache.set(k, 'v', { ttlMs: -1 })).rejects.toThrow(RangeError);
        await expect(cache.set(k, 'v', { ttlMs: 1.5 })).rejects.toThrow(RangeError);
        await expect(cache.expire(k, 1.5)).rejects.toThrow(RangeError);
        await expect(cache.incrBy(k, 1, 0)).rejects.toThrow(RangeError);
        expect(await cache.exists(k)).toBe(false);
      });
    });

    describe('counters', () => {
      it('creates, adds and subtracts', async () => {
        const k = key('counter');
        expect(await cache.incrBy(k, 5)).toEqual({ value: 5, ttlMs: null });
        expect(await cache.incrBy(k, 3)).toEqual({ value: 8, ttlMs: null });
        expect(await cache.incrBy(k, -10)).toEqual({ value: -2, ttlMs: null });
        expect(await cache.get(k)).toBe('-2');
      });

      it('counts on from a value that was set as a decimal string', async () => {
        const k = key('preset');
        await cache.set(k, '41');
        expect((await cache.incrBy(k, 1)).value).toBe(42);
      });

      it('sets ttlMsIfNew only when the call creates the key', async () => {
        const k = key('window');
        const first = await cache.incrBy(k, 1, 60_000);
        expect(first.value).toBe(1);
        expect(first.ttlMs).toBeGreaterThan(0);
        expect(first.ttlMs).toBeLessThanOrEqual(60_000);
        // A longer ttl on the second call must not restart the window.
        const second = await cache.incrBy(k, 1, 600_000);
        expect(second.value).toBe(2);
        expect(second.ttlMs).toBeGreaterThan(0);
        expect(second.ttlMs).toBeLessThanOrEqual(60_000);
        expect(await cache.ttl(k)).toBeLessThanOrEqual(60_000);
      });

      it('does not give an existing counter an expiry through ttlMsIfNew', async () => {
        const k = key('no-window');
        await cache.incrBy(k, 1);
        expect(await cache.incrBy(k, 1, 60_000)).toEqual({ value: 2, ttlMs: null });
        expect(await cache.ttl(k)).toBeNull();
      });

      it('treats a counter back at zero as existing', async () => {
        const k = key('zero');
        await cache.incrBy(k, 2, 60_000);
        await cache.incrBy(k, -2);
        const again = await cache.incrBy(k, 2, 600_000);
        expect(again.value).toBe(2);
        expect(again.ttlMs).toBeLessThanOrEqual(60_000);
      });

      it('starts a new window once the counter has expired', async () => {
        const k = key('fixed-window');
        await cache.incrBy(k, 7, 150);
        await eventually(async () => !(await cache.exists(k)), 'counter window to expire');
        const next = await cache.incrBy(k, 1, 60_000);
        expect(next.value).toBe(1);
        expect(next.ttlMs).toBeGreaterThan(150);
      });

      it('sums 100 parallel increments exactly, each seeing a distinct value', async () => {
        const k = key('parallel');
        const results = await Promise.all(Array.from({ length: 100 }, () => cache.incrBy(k, 1, 60_000)));
        const values = results.map((r) => r.value).sort((a, b) => a - b);
        expect(values).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        for (const { ttlMs } of results) {
          expect(ttlMs).toBeGreaterThan(0);
          expect(ttlMs).toBeLessThanOrEqual(60_000);
        }
        expect(await cache.get(k)).toBe('100');
      });

      it('refuses to count on a value that is not an integer, and leaves it alone', async () => {
        const k = key('text');
        await cache.set(k, 'abc');
        await expect(cache.incrBy(k, 1)).rejects.toThrow(/^ERR value is not an integer/);
        await expect(cache.incrBy(k, 1, 60_000)).rejects.toThrow(/^ERR value is not an integer/);
        await cache.set(k, '1.5');
        await expect(cache.incrBy(k, 1)).rejects.toThrow(/^ERR value is not an integer/);
        expect(await cache.get(k)).toBe('1.5');
        expect(await cache.ttl(k)).toBeNull();
      });

      it('rejects an increment that is not an integer', async () => {
        const k = key('fraction');
        await expect(cache.incrBy(k, 1.5)).rejects.toThrow(RangeError);
        expect(await cache.exists(k)).toBe(false);
      });
    });

    describe('sets', () => {
      it('adds members, counting only new ones', async () => {
        const k = key('set');
        expect(await cache.sAdd(k, ['a', 'b', 'a'])).toBe(2);
        expect(await cache.sAdd(k, ['b', 'c'])).toBe(1);
        expect((await cache.sMembers(k)).sort()).toEqual(['a', 'b', 'c']);
        expect(await cache.sIsMember(k, 'a')).toBe(true);
        expect(await cache.sIsMember(k, 'z')).toBe(false);
      });

      it('removes members and drops the key when the set becomes empty', async () => {
        const k = key('set-rem');
        await cache.sAdd(k, ['a', 'b']);
        expect(await cache.sRem(k, ['a', 'x'])).toBe(1);
        expect(await cache.sMembers(k)).toEqual(['b']);
        expect(await cache.sRem(k, ['b'])).toBe(1);
        expect(await cache.exists(k)).toBe(false);
        expect(await cache.sMembers(k)).toEqual([]);
      });

      it('treats a missing key as an empty set', async () => {
        const k = key('set-missing');
        expect(await cache.sMembers(k)).toEqual([]);
        expect(await cache.sIsMember(k, 'a')).toBe(false);
        expect(await cache.sRem(k, ['a'])).toBe(0);
        expect(await cache.exists(k)).toBe(false);
      });

      it('accepts empty member lists without creating the key', async () => {
        const k = key('set-empty');
        expect(await cache.sAdd(k, [])).toBe(0);
        expect(await cache.sRem(k, [])).toBe(0);
        expect(await cache.exists(k)).toBe(false);
      });
    });

    describe('sorted sets', () => {
      const scores = (entries: ScoredMember[]): string[] => entries.map((e) => `${e.member}=${e.score}`);

      it('adds members, counting only new ones, and updates scores', async () => {
        const k = key('zset');
        expect(
          await cache.zAdd(k, [
            { member: 'a', score: 1 },
            { member: 'b', score: 2 },
          ]),
        ).toBe(2);
        expect(
          await cache.zAdd(k, [
            { member: 'a', score: 5 },
            { member: 'c', score: 3 },
          ]),
        ).toBe(1);
        expect(await cache.zCard(k)).toBe(3);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['a=5', 'c=3', 'b=2']);
      });

      it('keeps the last score when a member repeats within one call', async () => {
        const k = key('zset-repeat');
        expect(
          await cache.zAdd(k, [
            { member: 'a', score: 1 },
            { member: 'a', score: 9 },
          ]),
        ).toBe(1);
        expect(await cache.zRangeByScoreDesc(k)).toEqual([{ member: 'a', score: 9 }]);
      });

      it('selects by inclusive bounds, exclusive max and limit, highest first', async () => {
        const k = key('zset-range');
        await cache.zAdd(
          k,
          [10, 20, 30, 40, 50].map((score) => ({ member: `m${score}`, score })),
        );
        expect(scores(await cache.zRangeByScoreDesc(k, { max: 40, min: 20 }))).toEqual([
          'm40=40',
          'm30=30',
          'm20=20',
        ]);
        expect(scores(await cache.zRangeByScoreDesc(k, { max: 40, maxExclusive: true }))).toEqual([
          'm30=30',
          'm20=20',
          'm10=10',
        ]);
        expect(scores(await cache.zRangeByScoreDesc(k, { min: 30 }))).toEqual(['m50=50', 'm40=40', 'm30=30']);
        expect(scores(await cache.zRangeByScoreDesc(k, { limit: 2 }))).toEqual(['m50=50', 'm40=40']);
        expect(scores(await cache.zRangeByScoreDesc(k, { max: 45, min: 15, limit: 2 }))).toEqual([
          'm40=40',
          'm30=30',
        ]);
        expect(await cache.zRangeByScoreDesc(k, { limit: 0 })).toEqual([]);
        expect(await cache.zRangeByScoreDesc(k, { max: 10, min: 50 })).toEqual([]);
        expect(await cache.zRangeByScoreDesc(k, { max: 10, min: 10, maxExclusive: true })).toEqual([]);
        expect(await cache.zRangeByScoreDesc(k, { max: 100, min: 60 })).toEqual([]);
      });

      it('pages through a feed with an exclusive cursor, each member exactly once', async () => {
        const k = key('zset-pages');
        await cache.zAdd(
          k,
          Array.from({ length: 10 }, (_, i) => ({ member: `post${i}`, score: 1000 + i })),
        );
        const seen: string[] = [];
        let cursor: number | undefined;
        for (;;) {
          const page = await cache.zRangeByScoreDesc(k, {
            max: cursor,
            maxExclusive: cursor !== undefined,
            limit: 3,
          });
          if (page.length === 0) break;
          seen.push(...page.map((e) => e.member));
          cursor = page.at(-1)?.score;
        }
        expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `post${9 - i}`));
      });

      it('orders equal scores by member, bytewise, reversed', async () => {
        const k = key('zset-ties');
        // Bytewise (UTF-8) order: 'B' < 'a' < 'b' < 'é' < U+FFEE < '😀'; JS's default sort would
        // put the emoji before U+FFEE.
        const members = ['b', '😀', 'a', '\uFFEE', 'é', 'B'];
        await cache.zAdd(k, [
          ...members.map((member) => ({ member, score: 7 })),
          { member: 'top', score: 8 },
        ]);
        expect((await cache.zRangeByScoreDesc(k)).map((e) => e.member)).toEqual([
          'top',
          '😀',
          '\uFFEE',
          'é',
          'b',
          'a',
          'B',
        ]);
      });

      it('keeps fractional, negative and infinite scores', async () => {
        const k = key('zset-floats');
        const entries = [
          { member: 'inf', score: Infinity },
          { member: 'tenth', score: 0.1 },
          { member: 'big', score: 1.5e300 },
          { member: 'neg', score: -2.75 },
          { member: '-inf', score: -Infinity },
        ];
        await cache.zAdd(k, entries);
        expect(await cache.zRangeByScoreDesc(k)).toEqual([
          entries[0],
          entries[2],
          entries[1],
          entries[3],
          entries[4],
        ]);
        expect(await cache.zRangeByScoreDesc(k, { max: Infinity, maxExclusive: true, min: 0 })).toEqual([
          entries[2],
          entries[1],
        ]);
      });

      it('removes members and drops the key when the sorted set becomes empty', async () => {
        const k = key('zset-rem');
        await cache.zAdd(k, [
          { member: 'a', score: 1 },
          { member: 'b', score: 2 },
        ]);
        expect(await cache.zRem(k, ['a', 'x'])).toBe(1);
        expect(await cache.zCard(k)).toBe(1);
        expect(await cache.zRem(k, ['b'])).toBe(1);
        expect(await cache.exists(k)).toBe(false);
        expect(await cache.zRem(k, [])).toBe(0);
      });

      it('trims to the highest-scored members', async () => {
        const k = key('zset-trim');
        await cache.zAdd(
          k,
          [5, 1, 4, 2, 3].map((score) => ({ member: `m${score}`, score })),
        );
        expect(await cache.zTrimToHighest(k, 2)).toBe(3);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['m5=5', 'm4=4']);
        expect(await cache.zTrimToHighest(k, 2)).toBe(0);
        expect(await cache.zTrimToHighest(k, 10)).toBe(0);
        expect(await cache.zCard(k)).toBe(2);
        expect(await cache.zTrimToHighest(k, 0)).toBe(2);
        expect(await cache.exists(k)).toBe(false);
      });

      it('trims ties by member order, dropping the lowest first', async () => {
        const k = key('zset-trim-ties');
        await cache.zAdd(
          k,
          ['c', 'a', 'd', 'b'].map((member) => ({ member, score: 1 })),
        );
        expect(await cache.zTrimToHighest(k, 2)).toBe(2);
        expect((await cache.zRangeByScoreDesc(k)).map((e) => e.member)).toEqual(['d', 'c']);
      });

      it('treats a missing key as an empty sorted set', async () => {
        const k = key('zset-missing');
        expect(await cache.zCard(k)).toBe(0);
        expect(await cache.zRangeByScoreDesc(k)).toEqual([]);
        expect(await cache.zTrimToHighest(k, 1)).toBe(0);
        expect(await cache.zRem(k, ['a'])).toBe(0);
        expect(await cache.zAdd(k, [])).toBe(0);
        expect(await cache.exists(k)).toBe(false);
      });

      it('rejects NaN scores and bounds, and negative limits or keeps, without writing', async () => {
        const k = key('zset-bad');
        await expect(
          cache.zAdd(k, [
            { member: 'ok', score: 1 },
            { member: 'bad', score: Number.NaN },
          ]),
        ).rejects.toThrow(RangeError);
        expect(await cache.exists(k)).toBe(false);
        await expect(cache.zRangeByScoreDesc(k, { max: Number.NaN })).rejects.toThrow(RangeError);
        await expect(cache.zRangeByScoreDesc(k, { limit: -1 })).rejects.toThrow(RangeError);
        await expect(cache.zTrimToHighest(k, -1)).rejects.toThrow(RangeError);
      });
    });

    describe('types', () => {
      it('rejects set and sorted-set commands on a string with WRONGTYPE', async () => {
        const k = key('string');
        await cache.set(k, 'v');
        await expect(cache.sAdd(k, ['a'])).rejects.toThrow(WRONGTYPE);
        await expect(cache.sRem(k, ['a'])).rejects.toThrow(WRONGTYPE);
        await expect(cache.sIsMember(k, 'a')).rejects.toThrow(WRONGTYPE);
        await expect(cache.sMembers(k)).rejects.toThrow(WRONGTYPE);
        await expect(cache.zAdd(k, [{ member: 'a', score: 1 }])).rejects.toThrow(WRONGTYPE);
        await expect(cache.zRem(k, ['a'])).rejects.toThrow(WRONGTYPE);
        await expect(cache.zRangeByScoreDesc(k)).rejects.toThrow(WRONGTYPE);
        await expect(cache.zCard(k)).rejects.toThrow(WRONGTYPE);
        await expect(cache.zTrimToHighest(k, 1)).rejects.toThrow(WRONGTYPE);
        expect(await cache.get(k)).toBe('v');
      });

      it('rejects string and sorted-set commands on a set with WRONGTYPE', async () => {
        const k = key('a-set');
        await cache.sAdd(k, ['a']);
        await expect(cache.get(k)).rejects.toThrow(WRONGTYPE);
        await expect(cache.incrBy(k, 1)).rejects.toThrow(WRONGTYPE);
        await expect(cache.incrBy(k, 1, 60_000)).rejects.toThrow(WRONGTYPE);
        await expect(cache.zAdd(k, [{ member: 'a', score: 1 }])).rejects.toThrow(WRONGTYPE);
        await expect(cache.zCard(k)).rejects.toThrow(WRONGTYPE);
        expect(await cache.sMembers(k)).toEqual(['a']);
        expect(await cache.ttl(k)).toBeNull();
      });

      it('rejects string and set commands on a sorted set with WRONGTYPE', async () => {
        const k = key('a-zset');
        await cache.zAdd(k, [{ member: 'a', score: 1 }]);
        await expect(cache.get(k)).rejects.toThrow(WRONGTYPE);
        await expect(cache.incrBy(k, 1)).rejects.toThrow(WRONGTYPE);
        await expect(cache.sAdd(k, ['a'])).rejects.toThrow(WRONGTYPE);
        await expect(cache.sIsMember(k, 'a')).rejects.toThrow(WRONGTYPE);
        expect(await cache.zCard(k)).toBe(1);
      });

      it('lets set replace a key of any type, and key commands work on every type', async () => {
        const k = key('replace');
        await cache.sAdd(k, ['a']);
        expect(await cache.set(k, 'now a string', { onlyIfAbsent: true })).toBe(false);
        expect(await cache.exists(k)).toBe(true);
        expect(await cache.expire(k, 60_000)).toBe(true);
        expect(await cache.ttl(k)).toBeGreaterThan(0);
        expect(await cache.set(k, 'now a string')).toBe(true);
        expect(await cache.get(k)).toBe('now a string');
        expect(await cache.ttl(k)).toBeNull();
        await cache.del(k);
        await cache.zAdd(k, [{ member: 'a', score: 1 }]);
        expect(await cache.del(k)).toBe(true);
        expect(await cache.exists(k)).toBe(false);
      });
    });

    describe('pub/sub', () => {
      it('delivers published messages to a subscriber', async () => {
        const channel = key('channel');
        const received: string[] = [];
        const unsubscribe = await cache.subscribe(channel, (message) => received.push(message));
        await cache.publish(channel, 'one');
        await cache.publish(channel, 'two — 😀');
        // Redis Cluster may reorder messages published through different nodes.
        await eventually(() => received.length === 2, 'two messages');
        expect([...received].sort()).toEqual(['one', 'two — 😀']);
        await unsubscribe();
      });

      it('delivers outside the call to publish', async () => {
        const channel = key('async');
        let publishing = false;
        let deliveredDuringPublish: boolean | undefined;
        const unsubscribe = await cache.subscribe(channel, () => {
          deliveredDuringPublish = publishing;
        });
        publishing = true;
        const published = cache.publish(channel, 'm');
        publishing = false;
        await published;
        await eventually(() => deliveredDuringPublish !== undefined, 'the message');
        expect(deliveredDuringPublish).toBe(false);
        await unsubscribe();
      });

      it('delivers to every subscriber of a channel, and unsubscribing one keeps the other', async () => {
        const channel = key('fanout');
        const first: string[] = [];
        const second: string[] = [];
        const unsubscribeFirst = await cache.subscribe(channel, (message) => first.push(message));
        const unsubscribeSecond = await cache.subscribe(channel, (message) => second.push(message));
        await cache.publish(channel, 'both');
        await eventually(() => first.length === 1 && second.length === 1, 'both subscribers to receive');
        await unsubscribeFirst();
        await cache.publish(channel, 'second only');
        await eventually(() => second.length === 2, 'the remaining subscriber to receive');
        expect(first).toEqual(['both']);
        expect(second).toEqual(['both', 'second only']);
        await unsubscribeSecond();
      });

      it('stops delivery once the last subscriber unsubscribes, and can subscribe again', async () => {
        const channel = key('stop');
        const probe = key('probe');
        const stopped: string[] = [];
        const probed: string[] = [];
        const unsubscribe = await cache.subscribe(channel, (message) => stopped.push(message));
        const unsubscribeProbe = await cache.subscribe(probe, (message) => probed.push(message));
        await cache.publish(channel, 'before');
        await eventually(() => stopped.length === 1, 'the first message');
        await unsubscribe();
        await unsubscribe();
        await cache.publish(channel, 'after');
        // Published later on another channel: once it has arrived, 'after' had its chance.
        await cache.publish(probe, 'probe');
        await eventually(() => probed.length === 1, 'the probe message');
        await sleep(50);
        expect(stopped).toEqual(['before']);

        const again: string[] = [];
        const unsubscribeAgain = await cache.subscribe(channel, (message) => again.push(message));
        await cache.publish(channel, 'again');
        await eventually(() => again.length === 1, 'delivery after subscribing again');
        expect(stopped).toEqual(['before']);
        await unsubscribeAgain();
        await unsubscribeProbe();
      });

      it('keeps channels apart', async () => {
        const left = key('left');
        const right = key('right');
        const received: string[] = [];
        const unsubscribeLeft = await cache.subscribe(left, (message) => received.push(`left:${message}`));
        const unsubscribeRight = await cache.subscribe(right, (message) => received.push(`right:${message}`));
        await cache.publish(right, 'r');
        await cache.publish(left, 'l');
        await eventually(() => received.length === 2, 'one message per channel');
        expect([...received].sort()).toEqual(['left:l', 'right:r']);
        await unsubscribeLeft();
        await unsubscribeRight();
      });

      it('keeps delivering to other handlers when one throws', async () => {
        const channel = key('throwing');
        const received: string[] = [];
        const unsubscribeThrower = await cache.subscribe(channel, () => {
          throw new Error('handler failure (expected by the test)');
        });
        const unsubscribe = await cache.subscribe(channel, (message) => received.push(message));
        await cache.publish(channel, 'x');
        await cache.publish(channel, 'y');
        await eventually(() => received.length === 2, 'both messages despite the throwing handler');
        await unsubscribeThrower();
        await unsubscribe();
      });

      it('publishes to a channel nobody listens to', async () => {
        await expect(cache.publish(key('nobody'), 'lost')).resolves.toBeUndefined();
      });
    });

    describe('lifecycle', () => {
      it('answers ping', async () => {
        await expect(cache.ping()).resolves.toBeUndefined();
      });

      it('rejects calls after close, and closes only once', async () => {
        const other = await factory();
        try {
          await other.cache.ping();
          await other.cache.close();
          await expect(other.cache.get(key('closed'))).rejects.toThrow();
          await expect(other.cache.ping()).rejects.toThrow();
          await expect(other.cache.subscribe(key('closed'), () => undefined)).rejects.toThrow();
          await expect(other.cache.close()).resolves.toBeUndefined();
        } finally {
          await other.cache.close();
          await other.cleanup?.();
        }
      });
    });
  });
}
