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

    describe('counters that only exist once built (incrByIfExists)', () => {
      it('leaves a missing counter missing and answers null', async () => {
        const k = key('missing-counter');
        expect(await cache.incrByIfExists(k, 1)).toBeNull();
        expect(await cache.incrByIfExists(k, -1)).toBeNull();
        expect(await cache.exists(k)).toBe(false);
      });

      it('adds to an existing counter, down through zero, and keeps its TTL', async () => {
        const k = key('built-counter');
        await cache.set(k, '2', { ttlMs: 60_000 });
        expect(await cache.incrByIfExists(k, 1)).toBe(3);
        expect(await cache.incrByIfExists(k, -4)).toBe(-1);
        expect(await cache.incrByIfExists(k, 1)).toBe(0);
        expect(await cache.get(k)).toBe('0');
        const ttl = await cache.ttl(k);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);

        const forever = key('built-forever');
        await cache.set(forever, '0');
        expect(await cache.incrByIfExists(forever, 5)).toBe(5);
        expect(await cache.ttl(forever)).toBeNull();
      });

      it('does not recreate a counter once it has expired', async () => {
        const k = key('expiring-counter');
        await cache.set(k, '7', { ttlMs: 150 });
        await eventually(async () => !(await cache.exists(k)), 'counter to expire');
        expect(await cache.incrByIfExists(k, 1)).toBeNull();
        expect(await cache.exists(k)).toBe(false);
      });

      it('sums parallel increments exactly, each seeing a distinct value', async () => {
        const k = key('parallel-existing');
        await cache.set(k, '0');
        const values = await Promise.all(Array.from({ length: 100 }, () => cache.incrByIfExists(k, 1)));
        expect(values.map(Number).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 100 }, (_, i) => i + 1),
        );
        expect(await cache.get(k)).toBe('100');
      });

      it('refuses a value that is not an integer, another type, or a fractional increment', async () => {
        const text = key('text-counter');
        await cache.set(text, '1.5');
        await expect(cache.incrByIfExists(text, 1)).rejects.toThrow(/^ERR value is not an integer/);
        expect(await cache.get(text)).toBe('1.5');

        const set = key('set-counter');
        await cache.sAdd(set, ['a']);
        await expect(cache.incrByIfExists(set, 1)).rejects.toThrow(WRONGTYPE);
        expect(await cache.sMembers(set)).toEqual(['a']);

        const counter = key('fraction-counter');
        await cache.set(counter, '1');
        await expect(cache.incrByIfExists(counter, 0.5)).rejects.toThrow(RangeError);
        expect(await cache.get(counter)).toBe('1');
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

    describe('batches', () => {
      const scores = (entries: ScoredMember[]): string[] => entries.map((e) => `${e.member}=${e.score}`);
      const keys = (label: string, count: number): string[] =>
        Array.from({ length: count }, (_, i) => key(`${label}-${i}`));

      it('sets many keys, each with its own ttl, and gets them back in key order', async () => {
        const [a, b, c, missing] = keys('many', 4) as [string, string, string, string];
        await cache.sAdd(c, ['was a set']);
        await cache.expire(c, 60_000);
        await cache.setMany([
          { key: a, value: 'A' },
          { key: b, value: 'B — 😀', ttlMs: 60_000 },
          { key: c, value: '' },
        ]);
        expect(await cache.getMany([c, missing, a, b, a])).toEqual(['', null, 'A', 'B — 😀', 'A']);
        expect(await cache.ttl(a)).toBeNull();
        const ttl = await cache.ttl(b);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
        // Like SET: a key of another type is replaced, and its expiry goes with it.
        expect(await cache.ttl(c)).toBeNull();
      });

      it('expires what setMany wrote with a ttl', async () => {
        const [short, long] = keys('many-ttl', 2) as [string, string];
        await cache.setMany([
          { key: short, value: 's', ttlMs: 150 },
          { key: long, value: 'l', ttlMs: 60_000 },
        ]);
        await eventually(
          async () => (await cache.getMany([short]))[0] === null,
          'the 150 ms entry to expire',
        );
        expect(await cache.getMany([short, long])).toEqual([null, 'l']);
      });

      it('writes a key given twice to setMany with its last value', async () => {
        const k = key('twice');
        await cache.setMany([
          { key: k, value: 'first', ttlMs: 60_000 },
          { key: k, value: 'last' },
        ]);
        expect(await cache.get(k)).toBe('last');
        expect(await cache.ttl(k)).toBeNull();
      });

      it('sets and gets 2500 keys spread over the whole key space', async () => {
        const many = keys('bulk', 2500);
        await cache.setMany(
          many.map((k, i) => ({ key: k, value: `v${i}`, ttlMs: i % 2 === 0 ? 60_000 : undefined })),
        );
        const values = await cache.getMany([...many, key('bulk-missing')]);
        expect(values).toEqual([...many.map((_, i) => `v${i}`), null]);
        expect(await cache.ttl(many[0] ?? '')).toBeGreaterThan(0);
        expect(await cache.ttl(many[1] ?? '')).toBeNull();
      });

      it('answers empty batches', async () => {
        const k = key('empty-batch');
        await cache.zAdd(k, [{ member: 'a', score: 1 }]);
        expect(await cache.getMany([])).toEqual([]);
        await expect(cache.setMany([])).resolves.toBeUndefined();
        expect(await cache.zAddToExisting([], { member: 'b', score: 2 }, 10)).toBe(0);
        expect(await cache.zRemFromMany([], ['a'])).toBe(0);
        expect(await cache.zRemFromMany([k], [])).toBe(0);
        expect(await cache.zRangeByScoreDescMany([])).toEqual([]);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['a=1']);
      });

      it('rejects a wrong-typed key in a batch with WRONGTYPE, after doing the other keys', async () => {
        const [z1, text, z2] = keys('batch-types', 3) as [string, string, string];
        await cache.zAdd(z1, [{ member: 'old', score: 1 }]);
        await cache.set(text, 'v');
        await cache.zAdd(z2, [{ member: 'old', score: 1 }]);
        await expect(cache.getMany([z1])).rejects.toThrow(WRONGTYPE);
        await expect(cache.zRangeByScoreDescMany([z1, text])).rejects.toThrow(WRONGTYPE);
        await expect(cache.zAddToExisting([z1, text, z2], { member: 'new', score: 2 }, 10)).rejects.toThrow(
          WRONGTYPE,
        );
        expect(await cache.get(text)).toBe('v');
        expect(scores(await cache.zRangeByScoreDesc(z1))).toEqual(['new=2', 'old=1']);
        expect(scores(await cache.zRangeByScoreDesc(z2))).toEqual(['new=2', 'old=1']);
        await expect(cache.zRemFromMany([z1, text, z2], ['old'])).rejects.toThrow(WRONGTYPE);
        expect(scores(await cache.zRangeByScoreDesc(z1))).toEqual(['new=2']);
        expect(scores(await cache.zRangeByScoreDesc(z2))).toEqual(['new=2']);
      });

      it('rejects bad arguments before writing anything', async () => {
        const [first, second] = keys('batch-bad', 2) as [string, string];
        await cache.zAdd(first, [{ member: 'a', score: 1 }]);
        await expect(cache.getMany([first, ''])).rejects.toThrow(RangeError);
        await expect(
          cache.setMany([
            { key: second, value: 'v' },
            { key: first, value: 'v', ttlMs: 0 },
          ]),
        ).rejects.toThrow(RangeError);
        await expect(cache.setMany([{ key: '', value: 'v' }])).rejects.toThrow(RangeError);
        const entry = { member: 'b', score: 2 };
        await expect(cache.zAddToExisting([first, ''], entry, 10)).rejects.toThrow(RangeError);
        await expect(cache.zAddToExisting([first], entry, 0)).rejects.toThrow(RangeError);
        await expect(cache.zAddToExisting([first], entry, 1.5)).rejects.toThrow(RangeError);
        await expect(cache.zAddToExisting([first], { member: 'b', score: Number.NaN }, 10)).rejects.toThrow(
          RangeError,
        );
        await expect(cache.zAddToExisting([first], { member: '', score: 2 }, 10)).rejects.toThrow(RangeError);
        await expect(cache.zRemFromMany([first], ['a', ''])).rejects.toThrow(RangeError);
        await expect(cache.zRemFromMany([first, ''], ['a'])).rejects.toThrow(RangeError);
        await expect(cache.zRangeByScoreDescMany([first], { limit: -1 })).rejects.toThrow(RangeError);
        await expect(cache.zRangeByScoreDescMany([first], { min: Number.NaN })).rejects.toThrow(RangeError);
        expect(await cache.exists(second)).toBe(false);
        expect(scores(await cache.zRangeByScoreDesc(first))).toEqual(['a=1']);
      });
    });

    describe('fanout push (zAddToExisting)', () => {
      const scores = (entries: ScoredMember[]): string[] => entries.map((e) => `${e.member}=${e.score}`);

      it('adds to the sorted sets that exist and leaves missing keys missing', async () => {
        const active = key('active');
        const gone = key('gone');
        const rebuiltEmpty = key('rebuilt-empty');
        await cache.zAdd(active, [{ member: 'p1', score: 1 }]);
        await cache.zAddReplacing(rebuiltEmpty, []);
        expect(await cache.zAddToExisting([active, gone, rebuiltEmpty], { member: 'p2', score: 2 }, 10)).toBe(
          2,
        );
        expect(scores(await cache.zRangeByScoreDesc(active))).toEqual(['p2=2', 'p1=1']);
        expect(scores(await cache.zRangeByScoreDesc(rebuiltEmpty))).toEqual(['p2=2']);
        expect(await cache.exists(gone)).toBe(false);
      });

      it('trims every set to its keepHighest highest members, the pushed one included', async () => {
        const k = key('capped');
        await cache.zAdd(
          k,
          [10, 20, 30].map((score) => ({ member: `p${score}`, score })),
        );
        expect(await cache.zAddToExisting([k], { member: 'p40', score: 40 }, 3)).toBe(1);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p40=40', 'p30=30', 'p20=20']);
        // Older than everything kept: it arrives and goes at once, but the key did receive it.
        expect(await cache.zAddToExisting([k], { member: 'p5', score: 5 }, 3)).toBe(1);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p40=40', 'p30=30', 'p20=20']);
        // A cap lowered later applies on the next push.
        await cache.zAddToExisting([k], { member: 'p50', score: 50 }, 2);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p50=50', 'p40=40']);
      });

      it('keeps the built marker of a rebuilt set it trims', async () => {
        const k = key('capped-built');
        await cache.zAddReplacing(k, [{ member: 'p1', score: 1 }]);
        await cache.zAddToExisting([k], { member: 'p2', score: 2 }, 1);
        await cache.zAddToExisting([k], { member: 'p3', score: 3 }, 1);
        expect(await cache.zRangeByScoreDesc(k)).toEqual([{ member: 'p3', score: 3 }]);
        expect(await cache.zCard(k)).toBe(1);
        expect(await cache.zRem(k, ['p3'])).toBe(1);
        expect(await cache.exists(k)).toBe(true);
      });

      it('counts a key that already held the member, updating its score (a redelivered event)', async () => {
        const k = key('redelivered');
        await cache.zAdd(k, [{ member: 'p1', score: 1 }]);
        expect(await cache.zAddToExisting([k, k], { member: 'p1', score: 3 }, 10)).toBe(2);
        expect(await cache.zRangeByScoreDesc(k)).toEqual([{ member: 'p1', score: 3 }]);
      });

      it('leaves the ttl as it was', async () => {
        const [withTtl, without] = [key('push-ttl'), key('push-no-ttl')];
        await cache.zAdd(withTtl, [{ member: 'p1', score: 1 }]);
        await cache.expire(withTtl, 60_000);
        await cache.zAdd(without, [{ member: 'p1', score: 1 }]);
        await cache.zAddToExisting([withTtl, without], { member: 'p2', score: 2 }, 10);
        const ttl = await cache.ttl(withTtl);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
        expect(await cache.ttl(without)).toBeNull();
      });

      it('does not bring back a feed that has expired', async () => {
        const k = key('expired-feed');
        await cache.zAddReplacing(k, [{ member: 'p1', score: 1 }], { ttlMs: 150 });
        await eventually(async () => !(await cache.exists(k)), 'the feed to expire');
        expect(await cache.zAddToExisting([k], { member: 'p2', score: 2 }, 10)).toBe(0);
        expect(await cache.exists(k)).toBe(false);
      });

      it('pushes to 500 feeds, only the half that exists', async () => {
        const feeds = Array.from({ length: 500 }, (_, i) => key(`feed-${i}`));
        const existing = feeds.filter((_, i) => i % 2 === 0);
        for (const feed of existing) await cache.zAdd(feed, [{ member: 'old', score: 1 }]);
        expect(await cache.zAddToExisting(feeds, { member: 'new', score: 2 }, 800)).toBe(250);
        const ranges = await cache.zRangeByScoreDescMany(feeds);
        expect(ranges).toHaveLength(500);
        ranges.forEach((range, i) => {
          expect(scores(range)).toEqual(i % 2 === 0 ? ['new=2', 'old=1'] : []);
        });
        expect(await cache.exists(feeds[1] ?? '')).toBe(false);
      });
    });

    describe('removing from many (zRemFromMany)', () => {
      const scores = (entries: ScoredMember[]): string[] => entries.map((e) => `${e.member}=${e.score}`);

      it('removes the members from every key and counts what went', async () => {
        const [a, b, missing] = [key('rem-a'), key('rem-b'), key('rem-missing')];
        await cache.zAdd(a, [
          { member: 'p1', score: 1 },
          { member: 'p2', score: 2 },
          { member: 'p3', score: 3 },
        ]);
        await cache.zAdd(b, [{ member: 'p2', score: 2 }]);
        expect(await cache.zRemFromMany([a, b, missing], ['p2', 'p3', 'p9'])).toBe(3);
        expect(scores(await cache.zRangeByScoreDesc(a))).toEqual(['p1=1']);
        // Emptied: gone, as after ZREM.
        expect(await cache.exists(b)).toBe(false);
        expect(await cache.exists(missing)).toBe(false);
      });

      it('removes a post from 500 feeds', async () => {
        const feeds = Array.from({ length: 500 }, (_, i) => key(`unfeed-${i}`));
        for (const feed of feeds) {
          await cache.zAdd(feed, [
            { member: 'keep', score: 1 },
            { member: 'deleted', score: 2 },
          ]);
        }
        expect(await cache.zRemFromMany(feeds, ['deleted'])).toBe(500);
        const ranges = await cache.zRangeByScoreDescMany(feeds);
        expect(ranges.every((range) => scores(range).join() === 'keep=1')).toBe(true);
        expect(await cache.zRemFromMany(feeds, ['deleted'])).toBe(0);
      });
    });

    describe('range reads on many keys (zRangeByScoreDescMany)', () => {
      const scores = (entries: ScoredMember[]): string[] => entries.map((e) => `${e.member}=${e.score}`);

      it('reads the same range of every key, in key order, [] for a missing key', async () => {
        const [a, b, missing] = [key('merge-a'), key('merge-b'), key('merge-missing')];
        await cache.zAdd(
          a,
          [10, 20, 30, 40].map((score) => ({ member: `a${score}`, score })),
        );
        await cache.zAdd(
          b,
          [15, 25, 35].map((score) => ({ member: `b${score}`, score })),
        );
        const ranges = await cache.zRangeByScoreDescMany([b, missing, a], {
          max: 35,
          maxExclusive: true,
          limit: 2,
        });
        expect(ranges.map(scores)).toEqual([['b25=25', 'b15=15'], [], ['a30=30', 'a20=20']]);
        const all = await cache.zRangeByScoreDescMany([a, b]);
        expect(all.map(scores)).toEqual([
          ['a40=40', 'a30=30', 'a20=20', 'a10=10'],
          ['b35=35', 'b25=25', 'b15=15'],
        ]);
        expect(await cache.zRangeByScoreDescMany([a, a], { min: 40 })).toEqual([
          [{ member: 'a40', score: 40 }],
          [{ member: 'a40', score: 40 }],
        ]);
      });

      it('reads 500 keys, each its own', async () => {
        const authors = Array.from({ length: 500 }, (_, i) => key(`author-${i}`));
        for (const [i, author] of authors.entries()) {
          await cache.zAdd(author, [
            { member: `${i}-old`, score: i },
            { member: `${i}-new`, score: i + 1000 },
          ]);
        }
        const ranges = await cache.zRangeByScoreDescMany(authors, { limit: 1 });
        expect(ranges).toEqual(authors.map((_, i) => [{ member: `${i}-new`, score: i + 1000 }]));
      });
    });

    describe('rebuilding (zAddReplacing) and the built marker', () => {
      const scores = (entries: ScoredMember[]): string[] => entries.map((e) => `${e.member}=${e.score}`);

      it('replaces the whole sorted set, whatever the key held', async () => {
        const k = key('rebuild');
        await cache.zAdd(k, [
          { member: 'stale', score: 5 },
          { member: 'p1', score: 9 },
        ]);
        await cache.zAddReplacing(k, [
          { member: 'p1', score: 1 },
          { member: 'p2', score: 2 },
          { member: 'p2', score: 3 },
        ]);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p2=3', 'p1=1']);
        expect(await cache.zCard(k)).toBe(2);
        const text = key('rebuild-text');
        await cache.set(text, 'v', { ttlMs: 60_000 });
        await cache.zAddReplacing(text, [{ member: 'p1', score: 1 }]);
        expect(scores(await cache.zRangeByScoreDesc(text))).toEqual(['p1=1']);
        expect(await cache.ttl(text)).toBeNull();
      });

      it('applies ttlMs and keepHighest', async () => {
        const k = key('rebuild-capped');
        await cache.zAddReplacing(
          k,
          [3, 1, 5, 2, 4].map((score) => ({ member: `p${score}`, score })),
          { ttlMs: 60_000, keepHighest: 3 },
        );
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p5=5', 'p4=4', 'p3=3']);
        expect(await cache.zCard(k)).toBe(3);
        const ttl = await cache.ttl(k);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
        await cache.zAddReplacing(k, [{ member: 'p1', score: 1 }], { keepHighest: 5 });
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p1=1']);
        expect(await cache.ttl(k)).toBeNull();
      });

      it('leaves a rebuilt-but-empty set that exists, counts 0 and reads as empty', async () => {
        const k = key('built-empty');
        await cache.zAddReplacing(k, [], { ttlMs: 60_000 });
        expect(await cache.exists(k)).toBe(true);
        expect(await cache.zCard(k)).toBe(0);
        expect(await cache.zRangeByScoreDesc(k)).toEqual([]);
        expect(await cache.zRangeByScoreDesc(k, { min: -Infinity, limit: 1 })).toEqual([]);
        expect(await cache.zRangeByScoreDescMany([k, k], { max: -Infinity })).toEqual([[], []]);
        expect(await cache.zTrimToHighest(k, 0)).toBe(0);
        expect(await cache.zRem(k, ['p1'])).toBe(0);
        expect(await cache.ttl(k)).toBeGreaterThan(0);
        expect(await cache.exists(k)).toBe(true);
        // Still a sorted set to the type checks.
        await expect(cache.get(k)).rejects.toThrow(WRONGTYPE);
      });

      it('keeps a rebuilt set existing when its members are removed or trimmed away', async () => {
        const [removed, trimmed, plain] = [key('built-removed'), key('built-trimmed'), key('plain-trimmed')];
        await cache.zAddReplacing(removed, [{ member: 'p1', score: 1 }]);
        await cache.zAddReplacing(trimmed, [
          { member: 'p1', score: 1 },
          { member: 'p2', score: 2 },
        ]);
        await cache.zAdd(plain, [{ member: 'p1', score: 1 }]);
        expect(await cache.zRem(removed, ['p1'])).toBe(1);
        expect(await cache.zTrimToHighest(trimmed, 1)).toBe(1);
        expect(scores(await cache.zRangeByScoreDesc(trimmed))).toEqual(['p2=2']);
        expect(await cache.zTrimToHighest(trimmed, 0)).toBe(1);
        expect(await cache.zRemFromMany([plain], ['p1'])).toBe(1);
        expect([await cache.exists(removed), await cache.exists(trimmed), await cache.exists(plain)]).toEqual(
          [true, true, false],
        );
        expect([await cache.zCard(removed), await cache.zCard(trimmed)]).toEqual([0, 0]);
        expect(await cache.zAdd(trimmed, [{ member: 'p3', score: 3 }])).toBe(1);
        expect(await cache.zCard(trimmed)).toBe(1);
      });

      it('hides the marker without costing a limited read a member, even at score -inf', async () => {
        const k = key('built-limits');
        await cache.zAddReplacing(k, [
          { member: 'low', score: -Infinity },
          { member: 'a', score: -Infinity },
          { member: 'p1', score: 1 },
        ]);
        expect(await cache.zCard(k)).toBe(3);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p1=1', 'low=-Infinity', 'a=-Infinity']);
        expect(scores(await cache.zRangeByScoreDesc(k, { limit: 3 }))).toEqual([
          'p1=1',
          'low=-Infinity',
          'a=-Infinity',
        ]);
        expect(scores(await cache.zRangeByScoreDesc(k, { max: 1, maxExclusive: true, limit: 1 }))).toEqual([
          'low=-Infinity',
        ]);
        expect(await cache.zTrimToHighest(k, 2)).toBe(1);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p1=1', 'low=-Infinity']);
      });

      it('expires a rebuilt-but-empty set with its ttl', async () => {
        const k = key('built-expiry');
        await cache.zAddReplacing(k, [], { ttlMs: 150 });
        expect(await cache.exists(k)).toBe(true);
        await eventually(async () => !(await cache.exists(k)), 'the empty feed to expire');
        expect(await cache.zRangeByScoreDesc(k)).toEqual([]);
      });

      it('reserves the empty member, and rejects bad arguments without writing', async () => {
        const k = key('built-bad');
        await cache.zAdd(k, [{ member: 'p1', score: 1 }]);
        await expect(cache.zAdd(k, [{ member: '', score: 1 }])).rejects.toThrow(RangeError);
        await expect(cache.zRem(k, [''])).rejects.toThrow(RangeError);
        await expect(cache.zAddReplacing(k, [{ member: '', score: 1 }])).rejects.toThrow(RangeError);
        await expect(cache.zAddReplacing(k, [{ member: 'p', score: Number.NaN }])).rejects.toThrow(
          RangeError,
        );
        await expect(cache.zAddReplacing(k, [], { ttlMs: 0 })).rejects.toThrow(RangeError);
        await expect(cache.zAddReplacing(k, [], { keepHighest: 0 })).rejects.toThrow(RangeError);
        await expect(cache.zAddReplacing('', [])).rejects.toThrow(RangeError);
        expect(scores(await cache.zRangeByScoreDesc(k))).toEqual(['p1=1']);
        expect(await cache.ttl(k)).toBeNull();
      });
    });

    describe('isolation', () => {
      it('shares no mutable state with callers', async () => {
        const [z, s] = [key('iso-z'), key('iso-s')];
        const entries = [{ member: 'p1', score: 1 }];
        await cache.zAddReplacing(z, entries);
        const setEntries = [{ key: s, value: 'v' }];
        await cache.setMany(setEntries);
        entries[0] = { member: 'changed', score: 9 };
        (setEntries[0] as { value: string }).value = 'changed';

        const read = await cache.zRangeByScoreDescMany([z]);
        const first = read[0]?.[0];
        if (first) first.score = 42;
        read[0]?.push({ member: 'pushed', score: 1 });
        const single = await cache.zRangeByScoreDesc(z);
        single.push({ member: 'pushed', score: 1 });
        const values = await cache.getMany([s]);
        values[0] = 'changed';

        expect(await cache.zRangeByScoreDescMany([z])).toEqual([[{ member: 'p1', score: 1 }]]);
        expect(await cache.zRangeByScoreDesc(z)).toEqual([{ member: 'p1', score: 1 }]);
        expect(await cache.getMany([s])).toEqual(['v']);
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
          await expect(other.cache.getMany([key('closed')])).rejects.toThrow();
          await expect(other.cache.zRemFromMany([key('closed')], [])).rejects.toThrow();
          await expect(other.cache.zAddReplacing(key('closed'), [])).rejects.toThrow();
          await expect(other.cache.close()).resolves.toBeUndefined();
        } finally {
          await other.cache.close();
          await other.cleanup?.();
        }
      });
    });
  });
}
