import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Comment } from '../../generated/glimpse/comment/v1/comment.js';
import { MediaStatus } from '../../generated/glimpse/media/v1/media.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { IdGenerator, idAtTime } from '../../platform/ids/snowflake.js';
import type { OutboxTables } from '../../platform/outbox/outbox.repository.js';
import { migrate } from '../../platform/sql/migrator.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { rejection } from '../../testing/rejection.js';
import { PostServiceImpl } from '../post/post.service.js';
import { FakeMediaService, unavailableCache } from '../post/post.testing.js';
import { SqlPostsRepository } from '../post/posts.repository.js';
import { COMMENT_CREATED, COMMENT_DELETED } from './comment.events.js';
import { commentCountKey } from './comment.keys.js';
import { maintainCommentPartitions } from './comment.partitions.js';
import { CommentServiceImpl } from './comment.service.js';
import type { CommentsTables } from './comment.tables.js';
import { commentsOfPostQuery, SqlCommentsRepository } from './comments.repository.js';

/**
 * The comment service with its real repository, the real outbox and the real post service on a
 * freshly migrated database, with the in-memory cache and with a cache that always fails. Run by
 * one spec per SQL adapter, so PGlite is held to PostgreSQL.
 */
export function describeCommentScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`comment service on ${name}`, () => {
    let db: SqlDatabase;
    let posts: PostServiceImpl;
    let comments: CommentServiceImpl;
    /** The same database, its counters in a cache that is down. */
    let offline: CommentServiceImpl;
    const cache = new MemoryCache();
    const cacheErrors: Error[] = [];
    const ids = new IdGenerator(4);
    const media = new FakeMediaService(ids);

    async function publishedPost(authorId: string): Promise<string> {
      const post = await posts.createPost({ authorId, caption: '', mediaIds: [media.add(authorId)] });
      return post.id;
    }

    /** The outbox rows of one type about one comment, oldest first (nothing relays them here). */
    async function eventsAbout(
      type: string,
      commentId: string,
    ): Promise<{ key: string; payload: unknown }[]> {
      const rows = await db
        .kysely<OutboxTables>()
        .selectFrom('outbox.events')
        .select(['key', 'payload'])
        .where('topic', '=', type)
        .orderBy('id')
        .execute();
      return rows.filter((row) => (row.payload as { commentId?: string }).commentId === commentId);
    }

    async function liveCount(postId: string): Promise<number> {
      const row = await db
        .kysely<CommentsTables>()
        .selectFrom('comments.comments')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('post_id', '=', postId)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    async function all(postId: string): Promise<Comment[]> {
      const items: Comment[] = [];
      let cursor: string | undefined;
      do {
        const page = await comments.listComments({
          postId,
          limit: 100,
          ...(cursor !== undefined && { cursor }),
        });
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return items;
    }

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['posts', 'outbox', 'comments'] });
      await maintainCommentPartitions(db);
      posts = new PostServiceImpl({ posts: new SqlPostsRepository(db), media, ids });
      const repository = new SqlCommentsRepository(db);
      comments = new CommentServiceImpl({
        comments: repository,
        posts,
        cache,
        ids,
        onCacheError: (err) => cacheErrors.push(err),
      });
      offline = new CommentServiceImpl({
        comments: repository,
        posts,
        cache: unavailableCache(),
        ids,
        onCacheError: (err) => cacheErrors.push(err),
      });
    });

    afterAll(async () => {
      await cache.close();
      await db?.close();
    });

    it('keeps a body exactly as written, announced once with the post author, and counts it', async () => {
      const [author, commenter] = [ids.next(), ids.next()];
      const postId = await publishedPost(author);
      const body = 'Ça alors 😍👨‍👩‍👧‍👦 e\u0301 \u{1F3F3}\u{FE0F}\u{200D}\u{1F308}\n\t“quoted” 東京';

      const result = await comments.createComment({ postId, authorId: commenter, body });

      expect(result.commentCount).toBe('1');
      expect(result.comment).toMatchObject({ postId, authorId: commenter, body });
      expect(await all(postId)).toEqual([result.comment]);
      const commentId = result.comment?.id ?? '';
      expect(await eventsAbout(COMMENT_CREATED, commentId)).toEqual([
        {
          key: postId,
          payload: {
            commentId,
            postId,
            postAuthorId: author,
            authorId: commenter,
            body,
            createdAt: result.comment?.createdAt,
          },
        },
      ]);
      expect(await cache.get(commentCountKey(postId))).toBe('1');
    });

    it('accepts 2200 characters, refuses 2201 and an empty body', async () => {
      const postId = await publishedPost(ids.next());
      const author = ids.next();
      const longest = `${'🌊'.repeat(1100)}${'a'.repeat(1100)}`;
      const ok = await comments.createComment({ postId, authorId: author, body: longest });
      expect((await all(postId)).map((c) => c.body)).toEqual([longest]);
      expect(ok.comment?.body).toBe(longest);

      for (const body of [`${longest}a`, '', 'nul \u0000 inside']) {
        expect((await rejection(comments.createComment({ postId, authorId: author, body }))).kind).toBe(
          'invalid',
        );
      }
      expect(await liveCount(postId)).toBe(1);
    });

    it('refuses unknown, pending and deleted posts with NOT_FOUND, for creating and listing', async () => {
      const author = ids.next();
      const pending = await posts.createPost({
        authorId: author,
        caption: '',
        mediaIds: [media.add(author, MediaStatus.MEDIA_STATUS_PROCESSING)],
      });
      const deleted = await publishedPost(author);
      await comments.createComment({ postId: deleted, authorId: author, body: 'before' });
      await posts.deletePost({ postId: deleted, authorId: author });

      for (const postId of [ids.next(), pending.id, deleted]) {
        const refused = await rejection(comments.createComment({ postId, authorId: author, body: 'hi' }));
        expect(refused.kind).toBe('not_found');
        expect((await rejection(comments.listComments({ postId, limit: 10 }))).kind).toBe('not_found');
      }
      expect(await liveCount(pending.id)).toBe(0);
      expect(await liveCount(deleted)).toBe(1);
    });

    it('lists oldest first, page by page, leaving deleted comments out', async () => {
      const author = ids.next();
      const postId = await publishedPost(author);
      const made: string[] = [];
      for (let i = 0; i < 7; i++) {
        made.push(
          (await comments.createComment({ postId, authorId: ids.next(), body: `#${i}` })).comment?.id ?? '',
        );
      }
      await comments.deleteComment({ commentId: made[2] ?? '', userId: author });

      const bodies: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await comments.listComments({
          postId,
          limit: 2,
          ...(cursor !== undefined && { cursor }),
        });
        bodies.push(page.items.map((c) => c.body));
        cursor = page.nextCursor;
      } while (cursor !== undefined);

      expect(bodies).toEqual([
        ['#0', '#1'],
        ['#3', '#4'],
        ['#5', '#6'],
      ]);
    });

    it('lets the comment author and the post author delete, forbids others, and deleting twice succeeds', async () => {
      const [author, commenter, stranger] = [ids.next(), ids.next(), ids.next()];
      const postId = await publishedPost(author);
      const make = async (body: string) =>
        (await comments.createComment({ postId, authorId: commenter, body })).comment?.id ?? '';
      const [own, moderated, kept] = [await make('mine'), await make('rude'), await make('kept')];
      expect(await cache.get(commentCountKey(postId))).toBe('3');

      expect((await rejection(comments.deleteComment({ commentId: kept, userId: stranger }))).kind).toBe(
        'forbidden',
      );
      await comments.deleteComment({ commentId: own, userId: commenter });
      await comments.deleteComment({ commentId: moderated, userId: author });
      await comments.deleteComment({ commentId: own, userId: commenter });
      await comments.deleteComment({ commentId: moderated, userId: commenter });
      await Promise.all([
        comments.deleteComment({ commentId: kept, userId: author }),
        comments.deleteComment({ commentId: kept, userId: commenter }),
      ]);
      expect((await rejection(comments.deleteComment({ commentId: own, userId: stranger }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(comments.deleteComment({ commentId: ids.next(), userId: author }))).kind).toBe(
        'not_found',
      );

      expect(await all(postId)).toEqual([]);
      expect(await cache.get(commentCountKey(postId))).toBe('0');
      expect(await liveCount(postId)).toBe(0);
      for (const commentId of [own, moderated, kept]) {
        const events = await eventsAbout(COMMENT_DELETED, commentId);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          key: postId,
          payload: { commentId, postId, postAuthorId: author, authorId: commenter },
        });
      }
    });

    it('reconciles counters set wrong by hand, after which every count equals COUNT(*)', async () => {
      const author = ids.next();
      const [a, b, c] = [
        await publishedPost(author),
        await publishedPost(author),
        await publishedPost(author),
      ];
      for (const [postId, n] of [
        [a, 3],
        [b, 2],
        [c, 1],
      ] as const) {
        for (let i = 0; i < n; i++) await comments.createComment({ postId, authorId: ids.next(), body: 'x' });
      }
      await cache.set(commentCountKey(a), '10');
      await cache.set(commentCountKey(b), '0');
      await cache.del(commentCountKey(c));

      const result = await comments.reconcile({});
      expect(Number(result.drifted)).toBeGreaterThanOrEqual(2);
      expect(Number(result.drift)).toBeGreaterThanOrEqual(7 + 2);
      expect(await comments.reconcile({})).toMatchObject({ drifted: '0', drift: '0' });

      const counts = await comments.getCommentCounts({ postIds: [a, b, c] });
      expect(counts.items).toEqual([
        { postId: a, commentCount: String(await liveCount(a)) },
        { postId: b, commentCount: String(await liveCount(b)) },
        { postId: c, commentCount: String(await liveCount(c)) },
      ]);
      expect(counts.items.map((item) => item.commentCount)).toEqual(['3', '2', '1']);
    });

    it('keeps working from PostgreSQL alone when the cache is down', async () => {
      const [author, commenter] = [ids.next(), ids.next()];
      const postId = await publishedPost(author);
      const errorsBefore = cacheErrors.length;

      const first = await offline.createComment({ postId, authorId: commenter, body: 'one' });
      const second = await offline.createComment({ postId, authorId: commenter, body: 'two' });
      expect([first.commentCount, second.commentCount]).toEqual(['1', '2']);
      await offline.deleteComment({ commentId: first.comment?.id ?? '', userId: author });
      expect((await offline.listComments({ postId, limit: 10 })).items.map((c) => c.body)).toEqual(['two']);
      expect(await offline.getCommentCounts({ postIds: [postId] })).toEqual({
        items: [{ postId, commentCount: '1' }],
      });
      expect((await rejection(offline.reconcile({}))).kind).toBe('unavailable');
      expect(cacheErrors.length).toBeGreaterThan(errorsBefore);
      expect(await eventsAbout(COMMENT_DELETED, first.comment?.id ?? '')).toHaveLength(1);
    });

    it('stores comments in the partition of their month, lists across partitions and prunes earlier months', async () => {
      // A writer whose clock is in mid 2027: its comments land in the months maintained for then.
      let clock = Date.parse('2027-06-30T23:59:59.000Z');
      const later = new CommentServiceImpl({
        comments: new SqlCommentsRepository(db),
        posts,
        cache,
        ids: new IdGenerator(5, () => clock),
      });
      expect(await maintainCommentPartitions(db, { now: new Date(clock), monthsAhead: 1 })).toEqual([
        'comments.comments_p202706',
        'comments.comments_p202707',
      ]);
      const [author, commenter] = [ids.next(), ids.next()];
      const postId = await publishedPost(author);
      const made: string[] = [];
      for (const at of ['2027-06-30T23:59:59.999Z', '2027-07-01T00:00:00.000Z', '2027-09-15T12:00:00.000Z']) {
        clock = Date.parse(at);
        made.push((await later.createComment({ postId, authorId: commenter, body: at })).comment?.id ?? '');
      }

      const { rows } = await sql<{ id: string; partition: string }>`
        select id, tableoid::regclass::text as partition from comments.comments
        where post_id = ${postId} order by id`.execute(db.kysely<object>());
      expect(rows).toEqual([
        { id: made[0], partition: 'comments.comments_p202706' },
        { id: made[1], partition: 'comments.comments_p202707' },
        // No partition for September yet: the DEFAULT one took it.
        { id: made[2], partition: 'comments.comments_default' },
      ]);
      expect((await all(postId)).map((c) => c.createdAt)).toEqual([
        '2027-06-30T23:59:59.999Z',
        '2027-07-01T00:00:00.000Z',
        '2027-09-15T12:00:00.000Z',
      ]);
      await later.deleteComment({ commentId: made[1] ?? '', userId: author });
      expect((await all(postId)).map((c) => c.id)).toEqual([made[0], made[2]]);

      // Maintenance reaching September moves its comment out of the DEFAULT partition.
      await maintainCommentPartitions(db, { now: new Date('2027-08-01T00:00:00Z') });
      const moved = await sql<{ partition: string }>`
        select tableoid::regclass::text as partition from comments.comments where id = ${made[2]}`.execute(
        db.kysely<object>(),
      );
      expect(moved.rows).toEqual([{ partition: 'comments.comments_p202709' }]);

      // A listing after a July cursor reads July's partition onwards, never June's.
      const plan = await commentsOfPostQuery(
        db.kysely<CommentsTables>(),
        postId,
        idAtTime(new Date('2027-07-10T00:00:00Z')),
        new Date('2027-07-10T00:00:00Z'),
        20,
      )
        .explain()
        .then((lines) => lines.map((line) => Object.values(line).join(' ')).join('\n'));
      expect(plan).toContain('comments_p202707');
      expect(plan).toContain('comments_p202709');
      expect(plan).not.toContain('comments_p202706');
    });
  });
}
