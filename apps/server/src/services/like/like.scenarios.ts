import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MediaStatus } from '../../generated/glimpse/media/v1/media.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { IdGenerator } from '../../platform/ids/snowflake.js';
import type { OutboxTables } from '../../platform/outbox/outbox.repository.js';
import { migrate } from '../../platform/sql/migrator.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { rejection } from '../../testing/rejection.js';
import { PostServiceImpl } from '../post/post.service.js';
import { FakeMediaService, unavailableCache } from '../post/post.testing.js';
import { SqlPostsRepository } from '../post/posts.repository.js';
import { LIKE_CREATED, LIKE_REMOVED } from './like.events.js';
import { likeCountKey, userLikesKey } from './like.keys.js';
import { maintainLikePartitions } from './like.partitions.js';
import { LIKE_COUNT_TTL_MS } from './like.rules.js';
import { LikeServiceImpl } from './like.service.js';
import type { LikesTables } from './like.tables.js';
import { SqlLikesRepository } from './likes.repository.js';

/** Any ISO time: the clock's values are not the point of these assertions. */
const anyTime: unknown = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

interface CacheMode {
  label: string;
  /** False for the cache whose every call fails. */
  working: boolean;
  /** The MemoryCache itself when the cache works, to look at or tamper with its keys. */
  open(): { cache: Cache; memory?: MemoryCache };
}

const CACHE_MODES: CacheMode[] = [
  {
    label: 'with the in-memory cache',
    working: true,
    open: () => {
      const memory = new MemoryCache();
      return { cache: memory, memory };
    },
  },
  { label: 'with the cache down', working: false, open: () => ({ cache: unavailableCache() }) },
];

/**
 * The like service with its real repository, the real outbox and the real post service on a
 * freshly migrated database, once with a working cache and once with a cache whose every call
 * fails. Run by one spec per SQL adapter, so PGlite is held to PostgreSQL.
 */
export function describeLikeScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`like service on ${name}`, () => {
    let db: SqlDatabase;
    let posts: PostServiceImpl;
    const ids = new IdGenerator(5);
    const media = new FakeMediaService(ids);

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['posts', 'likes', 'outbox'] });
      // What the like role does at start: this month's partition and the next ones exist.
      await maintainLikePartitions(db);
      posts = new PostServiceImpl({ posts: new SqlPostsRepository(db), media, ids });
    });

    afterAll(async () => {
      await db?.close();
    });

    /** A published post of a new author; returns its id and its author's. */
    async function publishedPost(): Promise<{ postId: string; authorId: string }> {
      const authorId = ids.next();
      const post = await posts.createPost({ authorId, caption: '', mediaIds: [media.add(authorId)] });
      return { postId: post.id, authorId };
    }

    /** The like events of one post in the outbox, oldest first (nothing relays them in these tests). */
    async function eventsOf(postId: string): Promise<{ topic: string; payload: unknown }[]> {
      return db
        .kysely<OutboxTables>()
        .selectFrom('outbox.events')
        .select(['topic', 'payload'])
        .where('key', '=', postId)
        .where('topic', 'in', [LIKE_CREATED, LIKE_REMOVED])
        .orderBy('id')
        .execute();
    }

    async function rowCount(postId: string): Promise<number> {
      const row = await db
        .kysely<LikesTables>()
        .selectFrom('likes.like_dedup')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('post_id', '=', postId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    async function historyOf(
      postId: string,
    ): Promise<{ user_id: string; action: string; partition: string }[]> {
      const { rows } = await sql<{ user_id: string; action: string; partition: string }>`
        select user_id, action, tableoid::regclass::text as partition
        from likes.like_events where post_id = ${postId} order by id`.execute(db.kysely<object>());
      return rows;
    }

    for (const [modeIndex, mode] of CACHE_MODES.entries()) {
      describe(mode.label, () => {
        let likes: LikeServiceImpl;
        let cache: Cache;
        let memory: MemoryCache | undefined;
        const cacheErrors: Error[] = [];
        /** The service's clock: real time unless a test moves it. */
        let clock: (() => Date) | undefined;

        beforeAll(() => {
          ({ cache, memory } = mode.open());
          likes = new LikeServiceImpl({
            likes: new SqlLikesRepository(db),
            posts,
            ids,
            cache,
            onCacheError: (err) => cacheErrors.push(err),
            now: () => clock?.() ?? new Date(),
          });
        });

        afterAll(async () => {
          await memory?.close();
        });

        /** The count every reader is served, from one summary. */
        async function countOf(postId: string): Promise<string | undefined> {
          const { items } = await likes.getLikeSummaries({ postIds: [postId] });
          return items[0]?.likeCount;
        }

        it('likes, unlikes and likes again, announcing each change once and counting it', async () => {
          const { postId, authorId } = await publishedPost();
          const [ada, grace] = [ids.next(), ids.next()];

          await expect(likes.like({ userId: ada, postId })).resolves.toEqual({ liked: true, likeCount: '1' });
          await expect(likes.like({ userId: ada, postId })).resolves.toEqual({ liked: true, likeCount: '1' });
          await expect(likes.like({ userId: grace, postId })).resolves.toEqual({
            liked: true,
            likeCount: '2',
          });
          await expect(likes.unlike({ userId: ada, postId })).resolves.toEqual({
            liked: false,
            likeCount: '1',
          });
          await expect(likes.unlike({ userId: ada, postId })).resolves.toEqual({
            liked: false,
            likeCount: '1',
          });
          await expect(likes.like({ userId: ada, postId })).resolves.toEqual({ liked: true, likeCount: '2' });

          const events = await eventsOf(postId);
          expect(events.map((event) => event.topic)).toEqual([
            LIKE_CREATED,
            LIKE_CREATED,
            LIKE_REMOVED,
            LIKE_CREATED,
          ]);
          expect(events[0]?.payload).toEqual({
            userId: ada,
            postId,
            postAuthorId: authorId,
            createdAt: anyTime,
          });
          expect(events[2]?.payload).toEqual({
            userId: ada,
            postId,
            postAuthorId: authorId,
            removedAt: anyTime,
          });
          expect((await historyOf(postId)).map((row) => [row.user_id, row.action])).toEqual([
            [ada, 'like'],
            [grace, 'like'],
            [ada, 'unlike'],
            [ada, 'like'],
          ]);
          expect(await rowCount(postId)).toBe(2);
          expect(await countOf(postId)).toBe('2');

          if (memory) {
            expect(await memory.get(likeCountKey(postId))).toBe('2');
            expect(await memory.sIsMember(userLikesKey(ada), postId)).toBe(true);
            await likes.unlike({ userId: grace, postId });
            expect(await memory.sIsMember(userLikesKey(grace), postId)).toBe(false);
            expect(cacheErrors).toEqual([]);
          } else {
            expect(cacheErrors.length).toBeGreaterThan(0);
          }
        });

        it('makes one like, one event and a count of 1 of 25 concurrent double taps, and undoes it once', async () => {
          const { postId } = await publishedPost();
          const userId = ids.next();
          // Hydration built the counter before the taps, as it does for any post on screen: the
          // increments are then exact. (A counter rebuilt in the middle of a burst may be off by
          // one until reconciled; see LikeCounters.)
          expect(await countOf(postId)).toBe('0');

          const taps = await Promise.all(Array.from({ length: 50 }, () => likes.like({ userId, postId })));
          expect(taps.every((state) => state.liked)).toBe(true);
          expect(await rowCount(postId)).toBe(1);
          expect((await eventsOf(postId)).map((event) => event.topic)).toEqual([LIKE_CREATED]);
          expect((await historyOf(postId)).map((row) => row.action)).toEqual(['like']);
          expect(await countOf(postId)).toBe('1');
          if (memory) expect(await memory.get(likeCountKey(postId))).toBe('1');

          const undos = await Promise.all(Array.from({ length: 50 }, () => likes.unlike({ userId, postId })));
          expect(undos.every((state) => !state.liked)).toBe(true);
          expect(await rowCount(postId)).toBe(0);
          expect((await eventsOf(postId)).map((event) => event.topic)).toEqual([LIKE_CREATED, LIKE_REMOVED]);
          expect(await countOf(postId)).toBe('0');
        });

        it('answers not_found for unknown, pending and deleted posts, writing nothing', async () => {
          const userId = ids.next();
          const { postId: deleted, authorId } = await publishedPost();
          await likes.like({ userId, postId: deleted });
          await posts.deletePost({ postId: deleted, authorId });
          const pending = (
            await posts.createPost({
              authorId,
              caption: '',
              mediaIds: [media.add(authorId, MediaStatus.MEDIA_STATUS_PROCESSING)],
            })
          ).id;

          for (const postId of [ids.next(), 'not-an-id', pending, deleted]) {
            expect((await rejection(likes.like({ userId, postId }))).kind).toBe('not_found');
            expect((await rejection(likes.unlike({ userId, postId }))).kind).toBe('not_found');
            expect((await rejection(likes.listLikers({ postId, limit: 10 }))).kind).toBe('not_found');
          }
          // Not even the author may like a post still pending.
          expect((await rejection(likes.like({ userId: authorId, postId: pending }))).kind).toBe('not_found');
          expect(await rowCount(pending)).toBe(0);
          expect(await eventsOf(pending)).toEqual([]);
          expect((await eventsOf(deleted)).map((event) => event.topic)).toEqual([LIKE_CREATED]);

          const { postId } = await publishedPost();
          expect((await rejection(likes.like({ userId: 'nobody', postId }))).kind).toBe('invalid');
        });

        it('serves summaries in request order with the viewer’s likes', async () => {
          const [a, b, c] = [await publishedPost(), await publishedPost(), await publishedPost()];
          const [viewer, other] = [ids.next(), ids.next()];
          await likes.like({ userId: viewer, postId: a.postId });
          await likes.like({ userId: other, postId: a.postId });
          await likes.like({ userId: viewer, postId: c.postId });
          const unknown = ids.next();

          const request = [c.postId, unknown, a.postId, 'junk', b.postId, c.postId];
          await expect(likes.getLikeSummaries({ postIds: request, viewerId: viewer })).resolves.toEqual({
            items: [
              { postId: c.postId, likeCount: '1', likedByViewer: true },
              { postId: unknown, likeCount: '0', likedByViewer: false },
              { postId: a.postId, likeCount: '2', likedByViewer: true },
              { postId: 'junk', likeCount: '0', likedByViewer: false },
              { postId: b.postId, likeCount: '0', likedByViewer: false },
              { postId: c.postId, likeCount: '1', likedByViewer: true },
            ],
          });
          const anonymous = await likes.getLikeSummaries({ postIds: [a.postId, c.postId] });
          expect(anonymous.items.map((item) => [item.likeCount, item.likedByViewer])).toEqual([
            ['2', false],
            ['1', false],
          ]);
          await expect(likes.getLikeSummaries({ postIds: [] })).resolves.toEqual({ items: [] });

          const tooMany = await rejection(
            likes.getLikeSummaries({ postIds: Array.from({ length: 1001 }, () => a.postId) }),
          );
          expect(tooMany.kind).toBe('invalid');
        });

        it('pages likers newest first, ties by user id, with the platform cursor', async () => {
          const { postId } = await publishedPost();
          const start = Date.now();
          const likers = Array.from({ length: 5 }, () => ids.next());
          // Two likes in the same millisecond: the user id breaks the tie.
          const offsets = [0, 1, 2, 2, 3];
          try {
            for (const [index, userId] of likers.entries()) {
              clock = () => new Date(start + (offsets[index] ?? 0));
              await likes.like({ userId, postId });
            }
          } finally {
            clock = undefined;
          }
          const expected = [likers[4], likers[3], likers[2], likers[1], likers[0]];

          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await likes.listLikers({
              postId,
              limit: 2,
              ...(cursor !== undefined && { cursor }),
            });
            seen.push(...page.userIds);
            cursor = page.nextCursor;
            pages += 1;
          } while (cursor !== undefined);
          expect(seen).toEqual(expected);
          expect(pages).toBe(3);
          expect((await likes.listLikers({ postId, limit: 0 })).userIds).toEqual(expected);
          expect((await rejection(likes.listLikers({ postId, limit: 2, cursor: 'bm9wZQ' }))).kind).toBe(
            'malformed',
          );
        });

        it('records the history in monthly partitions, moving strays once their month is made', async () => {
          const { postId } = await publishedPost();
          const userId = ids.next();
          await likes.like({ userId, postId });
          const month = new Date().toISOString().slice(0, 7).replace('-', '');
          expect((await historyOf(postId)).map((row) => row.partition)).toEqual([
            `likes.like_events_p${month}`,
          ]);

          // A like dated in a month nobody made a partition for yet lands in DEFAULT, never fails...
          // A month of this mode's own: the other mode's run of this test made its own partition.
          const later = new Date(Date.UTC(new Date().getUTCFullYear() + 2 + modeIndex, 6, 15));
          clock = () => later;
          try {
            await likes.unlike({ userId, postId });
          } finally {
            clock = undefined;
          }
          expect((await historyOf(postId)).map((row) => row.partition)).toEqual([
            `likes.like_events_p${month}`,
            'likes.like_events_default',
          ]);
          // ...and the maintenance moves it into its month's partition when it creates it.
          const laterMonth = `${later.getUTCFullYear()}07`;
          expect(await maintainLikePartitions(db, { now: later, monthsAhead: 0 })).toEqual([
            `likes.like_events_p${laterMonth}`,
          ]);
          expect(await maintainLikePartitions(db, { now: later, monthsAhead: 0 })).toEqual([]);
          expect((await historyOf(postId)).map((row) => row.partition)).toEqual([
            `likes.like_events_p${month}`,
            `likes.like_events_p${laterMonth}`,
          ]);
        });

        if (!mode.working) {
          it('refuses to reconcile while the counters cannot be read', async () => {
            const { postId } = await publishedPost();
            await likes.like({ userId: ids.next(), postId });
            expect((await rejection(likes.reconcile({}))).kind).toBe('unavailable');
          });
          return;
        }

        it('rebuilds a missing counter from PostgreSQL, then counts on from it', async () => {
          const cacheOf = memory as MemoryCache;
          const { postId } = await publishedPost();
          const fans = Array.from({ length: 3 }, () => ids.next());
          for (const userId of fans) await likes.like({ userId, postId });
          expect(await cacheOf.del(likeCountKey(postId))).toBe(true);

          // A like that finds no counter does not start one at 1: the count is rebuilt instead.
          await expect(likes.like({ userId: ids.next(), postId })).resolves.toEqual({
            liked: true,
            likeCount: '4',
          });
          expect(await cacheOf.get(likeCountKey(postId))).toBe('4');
          const ttl = await cacheOf.ttl(likeCountKey(postId));
          expect(ttl).toBeGreaterThan(0);
          expect(ttl).toBeLessThanOrEqual(LIKE_COUNT_TTL_MS);

          await cacheOf.del(likeCountKey(postId));
          expect(await countOf(postId)).toBe('4');
          expect(await cacheOf.get(likeCountKey(postId))).toBe('4');
          await likes.unlike({ userId: fans[0] ?? '', postId });
          expect(await cacheOf.get(likeCountKey(postId))).toBe('3');
          expect(cacheErrors).toEqual([]);
        });

        it('reports and repairs counters set wrong by hand, after which every count is COUNT(*)', async () => {
          const cacheOf = memory as MemoryCache;
          const [high, low, right] = [await publishedPost(), await publishedPost(), await publishedPost()];
          for (const { postId } of [high, low, right]) {
            for (let i = 0; i < 3; i++) await likes.like({ userId: ids.next(), postId });
          }
          // Every counter so far is right: this file's tests never let a rebuild race a like.
          expect(await likes.reconcile({})).toMatchObject({ drifted: '0', drift: '0' });

          await cacheOf.set(likeCountKey(high.postId), '42');
          await cacheOf.set(likeCountKey(low.postId), '-2');
          const result = await likes.reconcile({});
          expect(result).toMatchObject({ drifted: '2', drift: String(42 - 3 + (3 - -2)) });
          expect(Number(result.checked)).toBeGreaterThanOrEqual(3);

          expect(await likes.reconcile({})).toMatchObject({
            checked: result.checked,
            drifted: '0',
            drift: '0',
          });
          const { rows } = await sql<{ post_id: string; n: string }>`
            select e.post_id, (select count(*) from likes.like_dedup d where d.post_id = e.post_id) as n
            from (select distinct post_id from likes.like_events) e`.execute(db.kysely<object>());
          const summaries = await likes.getLikeSummaries({ postIds: rows.map((row) => row.post_id) });
          expect(summaries.items.map((item) => item.likeCount)).toEqual(rows.map((row) => row.n));
          expect(await cacheOf.get(likeCountKey(high.postId))).toBe('3');
        });
      });
    }
  });
}
