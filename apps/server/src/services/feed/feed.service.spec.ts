import { beforeEach, describe, expect, it } from 'vitest';

import { FeedSource } from '../../generated/glimpse/feed/v1/feed.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { CircuitBreaker } from '../../platform/resilience/circuit-breaker.js';
import { unavailableCache } from '../post/post.testing.js';
import { ExploreRanker } from './explore.ranking.js';
import { FanoutWorker } from './fanout.worker.js';
import { authorPostsKey, feedKey } from './feed.keys.js';
import { FeedServiceImpl } from './feed.service.js';
import type { FeedSettings } from './feed.settings.js';
import { FeedWorld } from './feed.testing.js';

const SETTINGS: FeedSettings = { fanoutFollowerThreshold: 2, feedMaxItems: 5, feedIdleTtlMs: 60_000 };

/** Ids far above 2^53, as real ones are: neighbours share a double score. */
const BASE = 118_535_635_048_878_080n;
const id = (n: number) => String(BASE + BigInt(n));

describe('feed read', () => {
  let world: FeedWorld;
  let cache: MemoryCache;
  let counts: { fallback: number; rebuilt: number };

  function feed(options: { cache?: Cache; breaker?: CircuitBreaker } = {}) {
    return new FeedServiceImpl({
      cache: options.cache ?? cache,
      cacheBreaker: options.breaker ?? new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 }),
      users: world,
      posts: world,
      explore: new ExploreRanker({ posts: world, counters: cache, refreshMs: 1000 }),
      settings: SETTINGS,
      observer: { fallback: () => counts.fallback++, rebuilt: () => counts.rebuilt++ },
    });
  }

  const ids = (page: { posts: { id: string }[] }) => page.posts.map((post) => post.id);

  beforeEach(() => {
    world = new FeedWorld();
    cache = new MemoryCache();
    counts = { fallback: 0, rebuilt: 0 };
  });

  it('rebuilds a missing feed from the database on the read that misses it, then reads Redis', async () => {
    world.follow('1', '2');
    world.post(id(1), '2');
    world.post(id(2), '1');
    world.post(id(3), '9'); // not followed
    const first = await feed().getFeed({ userId: '1', limit: 10 });
    expect(first.source).toBe(FeedSource.FEED_SOURCE_REBUILT);
    expect(ids(first)).toEqual([id(2), id(1)]);
    expect(counts.rebuilt).toBe(1);
    expect(await cache.zCard(feedKey('1'))).toBe(2);
    expect(await cache.ttl(feedKey('1'))).toBeGreaterThan(0);

    const second = await feed().getFeed({ userId: '1', limit: 10 });
    expect(second.source).toBe(FeedSource.FEED_SOURCE_CACHE);
    expect(ids(second)).toEqual([id(2), id(1)]);
  });

  it('keeps a rebuilt empty feed as built, so an idle reader is not rebuilt on every read', async () => {
    expect((await feed().getFeed({ userId: '1', limit: 10 })).source).toBe(FeedSource.FEED_SOURCE_REBUILT);
    expect((await feed().getFeed({ userId: '1', limit: 10 })).source).toBe(FeedSource.FEED_SOURCE_CACHE);
  });

  it('merges the recent posts of followed celebrities in at read time', async () => {
    for (const fan of ['1', '3', '4']) world.follow(fan, '2'); // 3 followers > threshold 2
    world.follow('1', '5');
    world.post(id(1), '5');
    world.post(id(2), '2');
    world.post(id(3), '5');
    await cache.zAdd(authorPostsKey('2'), [{ member: id(2), score: Number(id(2)) }]);
    const page = await feed().getFeed({ userId: '1', limit: 10 });
    expect(ids(page)).toEqual([id(3), id(2), id(1)]);
    // The celebrity's post was merged, not stored in the reader's feed.
    const stored = (await cache.zRangeByScoreDesc(feedKey('1'))).map((entry) => entry.member);
    expect(stored).toEqual([id(3), id(1)]);
  });

  it('reads a celebrity from the database when their recent posts are not in Redis', async () => {
    for (const fan of ['1', '3', '4']) world.follow(fan, '2');
    world.post(id(1), '2');
    expect(ids(await feed().getFeed({ userId: '1', limit: 10 }))).toEqual([id(1)]);
  });

  it('pages by cursor with neither duplicates nor gaps, even among ids sharing one score', async () => {
    world.follow('1', '2');
    for (let n = 1; n <= 9; n++) world.post(id(n), '2');
    expect(Number(id(1))).toBe(Number(id(2)));
    const service = feed();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.getFeed({ userId: '1', limit: 2, ...(cursor !== undefined && { cursor }) });
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    // feedMaxItems is 5: the feed holds the newest five; older posts are not in it.
    expect(seen).toEqual([9, 8, 7, 6, 5].map(id));
  });

  it('drops deleted posts from the page and from the stored feed', async () => {
    world.follow('1', '2');
    world.post(id(1), '2');
    world.post(id(2), '2');
    await feed().getFeed({ userId: '1', limit: 10 });
    world.delete(id(2));
    expect(ids(await feed().getFeed({ userId: '1', limit: 10 }))).toEqual([id(1)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.zRangeByScoreDesc(feedKey('1'))).map((entry) => entry.member)).toEqual([id(1)]);
  });

  it('serves the same page from the database when Redis fails, then stops asking Redis', async () => {
    world.follow('1', '2');
    for (const fan of ['3', '4']) world.follow(fan, '2');
    world.follow('1', '6');
    world.post(id(1), '2');
    world.post(id(2), '6');
    world.post(id(3), '1');
    const healthy = await feed().getFeed({ userId: '1', limit: 2 });

    const broken = unavailableCache();
    let calls = 0;
    const counting = new Proxy(broken, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function'
          ? (...args: unknown[]) => (calls++, (value as (...a: unknown[]) => unknown).apply(target, args))
          : value;
      },
    });
    const service = feed({
      cache: counting,
      breaker: new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 }),
    });
    const down = await service.getFeed({ userId: '1', limit: 2 });
    expect(down.source).toBe(FeedSource.FEED_SOURCE_DATABASE);
    expect(ids(down)).toEqual(ids(healthy));
    const next = await service.getFeed({
      userId: '1',
      limit: 2,
      ...(down.nextCursor !== undefined && { cursor: down.nextCursor }),
    });
    expect(ids(next)).toEqual([id(1)]);
    expect(counts.fallback).toBe(2);
    // The breaker is open: no more calls reach the dead cache.
    const before = calls;
    await service.getFeed({ userId: '1', limit: 2 });
    expect(calls).toBe(before);
  });

  it('refuses a malformed cursor as the client’s mistake', async () => {
    await expect(feed().getFeed({ userId: '1', limit: 2, cursor: 'nope' })).rejects.toMatchObject({
      kind: 'malformed',
    });
  });
});

describe('fanout', () => {
  let world: FeedWorld;
  let cache: MemoryCache;
  let worker: FanoutWorker;
  let delivered: number;

  const members = async (key: string) => (await cache.zRangeByScoreDesc(key)).map((entry) => entry.member);
  const event = (type: string, payload: unknown) => ({
    id: '1',
    type,
    key: '1',
    occurredAt: new Date().toISOString(),
    payload,
  });

  beforeEach(async () => {
    world = new FeedWorld();
    cache = new MemoryCache();
    delivered = 0;
    worker = new FanoutWorker({
      cache,
      users: world,
      posts: world,
      settings: SETTINGS,
      observer: {
        delivered: (n) => (delivered += n),
        lagSeconds: () => undefined,
        skippedCelebrity: () => undefined,
      },
    });
    // Readers 3 and 4 have feeds; reader 5 has been idle (no feed).
    for (const reader of ['3', '4']) await cache.zAddReplacing(feedKey(reader), [], { ttlMs: 60_000 });
  });

  it('pushes to the feeds that exist, once however often the event comes, trimmed', async () => {
    for (const fan of ['3', '5']) world.follow(fan, '2');
    for (let n = 1; n <= 7; n++) {
      world.post(id(n), '2');
      const published = event('post.published', { postId: id(n), authorId: '2' });
      await worker.handle(published);
      await worker.handle(published);
    }
    expect(await members(feedKey('3'))).toEqual([7, 6, 5, 4, 3].map(id));
    expect(await cache.exists(feedKey('5'))).toBe(false);
    expect(await members(authorPostsKey('2'))).toHaveLength(7);
    expect(delivered).toBe(14);
  });

  it('pushes nothing for a celebrity', async () => {
    for (const fan of ['3', '4', '5']) world.follow(fan, '2');
    await worker.handle(event('post.published', { postId: world.post(id(1), '2'), authorId: '2' }));
    expect(await members(feedKey('3'))).toEqual([]);
    expect(await members(authorPostsKey('2'))).toEqual([id(1)]);
  });

  it('backfills on follow, removes on unfollow and on delete', async () => {
    world.post(id(1), '2');
    world.post(id(2), '2');
    world.follow('3', '2');
    await worker.handle(event('follow.created', { followerId: '3', followeeId: '2' }));
    expect(await members(feedKey('3'))).toEqual([id(2), id(1)]);

    await worker.handle(event('post.deleted', { postId: id(2), authorId: '2' }));
    expect(await members(feedKey('3'))).toEqual([id(1)]);

    world.unfollow('3', '2');
    await worker.handle(event('follow.removed', { followerId: '3', followeeId: '2' }));
    expect(await members(feedKey('3'))).toEqual([]);
  });

  it('passes over events that are not its own shape', async () => {
    await worker.handle(event('post.published', { postId: 'x' }));
    await worker.handle(event('something.else', {}));
    expect(delivered).toBe(0);
  });
});
