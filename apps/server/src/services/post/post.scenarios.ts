import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MediaStatus } from '../../generated/glimpse/media/v1/media.js';
import { PostStatus, type Post, type PostRef } from '../../generated/glimpse/post/v1/post.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { compareIds, IdGenerator } from '../../platform/ids/snowflake.js';
import type { OutboxTables } from '../../platform/outbox/outbox.repository.js';
import { migrate } from '../../platform/sql/migrator.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { rejection } from '../../testing/rejection.js';
import { postCacheKey } from './post.cache.js';
import { POST_DELETED, POST_PUBLISHED } from './post.events.js';
import { MAX_PULL_AUTHORS } from './post.rules.js';
import { PostServiceImpl } from './post.service.js';
import type { PostsTables } from './post.tables.js';
import { FakeMediaService, unavailableCache } from './post.testing.js';
import { recentByAuthorsQuery, SqlPostsRepository } from './posts.repository.js';

const {
  MEDIA_STATUS_READY: READY,
  MEDIA_STATUS_PROCESSING: PROCESSING,
  MEDIA_STATUS_FAILED: FAILED,
} = MediaStatus;

/**
 * The post service with its real repository and the real outbox on a freshly migrated
 * database, and a media service double whose photos' states each test sets. Run by one spec
 * per SQL adapter, so PGlite is held to PostgreSQL.
 */
export function describePostScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`post service on ${name}`, () => {
    let db: SqlDatabase;
    let posts: PostServiceImpl;
    const ids = new IdGenerator(3);
    const media = new FakeMediaService(ids);

    /** The outbox rows of one type and key, oldest first (nothing relays them in these tests). */
    async function eventsFor(type: string, key: string): Promise<{ id: string; payload: unknown }[]> {
      return db
        .kysely<OutboxTables>()
        .selectFrom('outbox.events')
        .select(['id', 'payload'])
        .where('topic', '=', type)
        .where('key', '=', key)
        .orderBy('id')
        .execute();
    }

    /** A post of `authorId` with one photo per status given. */
    async function postWith(authorId: string, statuses: MediaStatus[], caption = ''): Promise<Post> {
      return posts.createPost({
        authorId,
        caption,
        mediaIds: statuses.map((status) => media.add(authorId, status)),
      });
    }

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['posts', 'outbox'] });
      posts = new PostServiceImpl({ posts: new SqlPostsRepository(db), media, ids });
    });

    afterAll(async () => {
      await db?.close();
    });

    it('counts published posts only, exactly while the table is small', async () => {
      const before = await posts.countPosts({});
      expect(before.exact).toBe(true);
      const author = ids.next();
      const published = await postWith(author, [MediaStatus.MEDIA_STATUS_READY]);
      await postWith(author, [MediaStatus.MEDIA_STATUS_PROCESSING]);
      const deleted = await postWith(author, [MediaStatus.MEDIA_STATUS_READY]);
      await posts.deletePost({ postId: deleted.id, authorId: author });
      expect(published.status).toBe(PostStatus.POST_STATUS_PUBLISHED);
      expect(await posts.countPosts({})).toEqual({ count: String(Number(before.count) + 1), exact: true });
    });

    it('publishes a post whose photos are ready at once, announced exactly once', async () => {
      const author = ids.next();
      const photos = [media.add(author), media.add(author)];
      const caption = 'Sunset at #Lisboa 🌅 with @Ada_L and @ada_l.\n#Lisboa #travel_2026 — ✨';
      const post = await posts.createPost({ authorId: author, caption, mediaIds: photos });

      expect(post).toMatchObject({
        authorId: author,
        caption,
        mediaIds: photos,
        status: PostStatus.POST_STATUS_PUBLISHED,
        hashtags: ['lisboa', 'travel_2026'],
        mentions: ['ada_l'],
      });
      expect(post.publishedAt).toBeDefined();
      expect(post.failureReason).toBeUndefined();
      // Read back from the database by a stranger: caption byte for byte, photos in order.
      await expect(posts.getPost({ postId: post.id })).resolves.toEqual(post);

      await posts.settleMedia({ mediaId: photos[0]! });
      const events = await eventsFor(POST_PUBLISHED, post.id);
      expect(events).toHaveLength(1);
      expect(events[0]?.payload).toEqual({
        postId: post.id,
        authorId: author,
        mediaIds: photos,
        createdAt: post.createdAt,
        publishedAt: post.publishedAt,
      });
    });

    it('keeps a post pending while a photo processes, then publishes it once under concurrent settles', async () => {
      const author = ids.next();
      const stranger = ids.next();
      const [ready, processing] = [media.add(author, READY), media.add(author, PROCESSING)];
      const post = await posts.createPost({
        authorId: author,
        caption: 'soon',
        mediaIds: [ready, processing],
      });
      expect(post.status).toBe(PostStatus.POST_STATUS_PENDING);
      expect(post.publishedAt).toBeUndefined();

      // Only the author sees a pending post.
      expect((await rejection(posts.getPost({ postId: post.id, viewerId: stranger }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(posts.getPost({ postId: post.id }))).kind).toBe('not_found');
      await expect(posts.getPost({ postId: post.id, viewerId: author })).resolves.toEqual(post);
      await expect(posts.getPosts({ postIds: [post.id], viewerId: stranger })).resolves.toEqual({
        items: [],
      });
      await expect(posts.getPosts({ postIds: [post.id], viewerId: author })).resolves.toEqual({
        items: [post],
      });
      const ownList = await posts.listAuthorPosts({ authorId: author, limit: 10, viewerId: author });
      expect(ownList.items.map((p) => p.id)).toEqual([post.id]);
      const strangerList = await posts.listAuthorPosts({ authorId: author, limit: 10, viewerId: stranger });
      expect(strangerList.items).toEqual([]);

      // A settle before the photo is ready changes nothing.
      await posts.settleMedia({ mediaId: ready });
      expect(await eventsFor(POST_PUBLISHED, post.id)).toEqual([]);

      // The photo gets ready; its event is delivered twice, and a re-settle runs alongside. All
      // three read the post pending and the photos ready before any of them writes.
      media.set(processing, READY);
      media.holdUntil(3);
      await Promise.all([
        posts.settleMedia({ mediaId: processing }),
        posts.settleMedia({ mediaId: processing }),
        posts.settleMedia({ mediaId: ready }),
      ]);
      await posts.settleMedia({ mediaId: processing });

      const published = await posts.getPost({ postId: post.id, viewerId: stranger });
      expect(published).toMatchObject({ id: post.id, status: PostStatus.POST_STATUS_PUBLISHED });
      const events = await eventsFor(POST_PUBLISHED, post.id);
      expect(events).toHaveLength(1);
      expect(events[0]?.payload).toMatchObject({
        mediaIds: [ready, processing],
        publishedAt: published.publishedAt,
      });
    });

    it('publishes a post whose photo got ready between the look-up and the insert', async () => {
      const author = ids.next();
      const photo = media.add(author, PROCESSING);
      // The media event arrives while the post is not committed yet: it finds nothing to settle.
      media.onNextBatch(async () => {
        media.set(photo, READY);
        await posts.settleMedia({ mediaId: photo });
      });
      const post = await posts.createPost({ authorId: author, caption: '', mediaIds: [photo] });

      expect(post.status).toBe(PostStatus.POST_STATUS_PUBLISHED);
      await expect(posts.getPost({ postId: post.id })).resolves.toEqual(post);
      expect(await eventsFor(POST_PUBLISHED, post.id)).toHaveLength(1);
    });

    it('fails a post whose photo fails processing, and refuses a failed photo up front', async () => {
      const author = ids.next();
      const [good, bad] = [media.add(author, READY), media.add(author, PROCESSING)];
      const post = await posts.createPost({ authorId: author, caption: '', mediaIds: [good, bad] });
      media.set(bad, FAILED, 'not an image');
      await posts.settleMedia({ mediaId: bad });
      media.set(bad, READY); // never happens, but even so a failed post stays failed
      await posts.settleMedia({ mediaId: bad });

      const failed = await posts.getPost({ postId: post.id, viewerId: author });
      expect(failed).toMatchObject({
        status: PostStatus.POST_STATUS_FAILED,
        failureReason: 'photo 2 failed processing: not an image',
      });
      expect(failed.publishedAt).toBeUndefined();
      expect((await rejection(posts.getPost({ postId: post.id }))).kind).toBe('not_found');
      expect(await eventsFor(POST_PUBLISHED, post.id)).toEqual([]);

      const broken = media.add(author, FAILED);
      media.set(broken, FAILED, 'corrupt file');
      const refused = await rejection(
        posts.createPost({ authorId: author, caption: '', mediaIds: [media.add(author), broken] }),
      );
      expect(refused.kind).toBe('invalid');
      expect(refused.errors).toEqual([{ path: 'mediaIds.1', message: 'failed processing: corrupt file' }]);
    });

    it("refuses someone else's photo and unknown photos, writing nothing", async () => {
      const author = ids.next();
      const other = ids.next();
      const mine = media.add(author);
      const theirs = media.add(other);
      const refused = await rejection(
        posts.createPost({ authorId: author, caption: '', mediaIds: [mine, theirs, '123456789'] }),
      );
      expect(refused.kind).toBe('invalid');
      expect(refused.errors).toEqual([
        { path: 'mediaIds.1', message: 'unknown media' },
        { path: 'mediaIds.2', message: 'unknown media' },
      ]);
      // Nothing was claimed: the author's photo is still free.
      const post = await posts.createPost({ authorId: author, caption: '', mediaIds: [mine] });
      expect(post.mediaIds).toEqual([mine]);
    });

    it('refuses a photo already used by another post (409), even when two posts race for it', async () => {
      const author = ids.next();
      const [shared, fresh] = [media.add(author), media.add(author)];
      const first = await posts.createPost({ authorId: author, caption: '', mediaIds: [shared] });
      const reused = await rejection(
        posts.createPost({ authorId: author, caption: '', mediaIds: [fresh, shared] }),
      );
      expect(reused.kind).toBe('conflict');
      expect(reused.errors).toEqual([{ path: 'mediaIds.1', message: 'is already used by another post' }]);
      // The refused post left no trace: its other photo is free, and a deleted post keeps its own.
      await posts.deletePost({ postId: first.id, authorId: author });
      expect(
        (await rejection(posts.createPost({ authorId: author, caption: '', mediaIds: [shared] }))).kind,
      ).toBe('conflict');

      const contested = media.add(author, PROCESSING);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          posts.createPost({ authorId: author, caption: '', mediaIds: [fresh, contested] }),
        ),
      );
      const created = outcomes.filter((o) => o.status === 'fulfilled');
      expect(created).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ kind: 'conflict' });
      }
    });

    it('stores captions exactly as written, up to 2200 characters with an emoji counting as one', async () => {
      const author = ids.next();
      const longest = `${'a'.repeat(2199)}📸`;
      const post = await postWith(author, [READY], longest);
      expect((await posts.getPost({ postId: post.id })).caption).toBe(longest);

      const tooLong = await rejection(
        posts.createPost({ authorId: author, caption: `${longest}a`, mediaIds: [media.add(author)] }),
      );
      expect(tooLong.errors).toEqual([{ path: 'caption', message: 'must be at most 2200 characters' }]);

      const tricky =
        'Line one\r\n\tLine two: "quotes", \'apostrophes\', back\\slash, e\u0301, 👩🏽‍💻 #Café #café';
      const stored = await postWith(author, [READY], tricky);
      const read = await posts.getPost({ postId: stored.id });
      expect(read.caption).toBe(tricky);
      expect(read.hashtags).toEqual(['café']);
    });

    it('deletes for the author only, once, and never shows a deleted post', async () => {
      const author = ids.next();
      const other = ids.next();
      const post = await postWith(author, [READY]);

      expect((await rejection(posts.deletePost({ postId: post.id, authorId: other }))).kind).toBe(
        'forbidden',
      );
      await expect(posts.deletePost({ postId: post.id, authorId: author })).resolves.toEqual({});
      await expect(posts.deletePost({ postId: post.id, authorId: author })).resolves.toEqual({});
      expect((await rejection(posts.deletePost({ postId: ids.next(), authorId: author }))).kind).toBe(
        'not_found',
      );

      const events = await eventsFor(POST_DELETED, post.id);
      expect(events).toHaveLength(1);
      expect(events[0]?.payload).toMatchObject({ postId: post.id, authorId: author });
      expect((await rejection(posts.getPost({ postId: post.id, viewerId: author }))).kind).toBe('not_found');
      await expect(posts.getPosts({ postIds: [post.id], viewerId: author })).resolves.toEqual({ items: [] });
      await expect(posts.listAuthorPosts({ authorId: author, limit: 10, viewerId: author })).resolves.toEqual(
        {
          items: [],
        },
      );

      // A pending post deleted before its photo is ready is never published.
      const photo = media.add(author, PROCESSING);
      const pending = await posts.createPost({ authorId: author, caption: '', mediaIds: [photo] });
      await posts.deletePost({ postId: pending.id, authorId: author });
      media.set(photo, READY);
      await posts.settleMedia({ mediaId: photo });
      expect(await eventsFor(POST_PUBLISHED, pending.id)).toEqual([]);
    });

    it('lists an author newest first, paging without duplicates or gaps as new posts arrive', async () => {
      const author = ids.next();
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await postWith(author, [READY], `post ${i}`)).id);
      const pending = await postWith(author, [PROCESSING], 'pending');

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await posts.listAuthorPosts({ authorId: author, limit: 3, cursor });
        seen.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor;
        pages++;
        // A new post between two page reads belongs at the top, not in later pages.
        if (pages === 1) await postWith(author, [READY], 'late');
      } while (cursor !== undefined);

      expect(pages).toBe(3);
      expect(seen).toEqual([...created].reverse());

      const own = await posts.listAuthorPosts({ authorId: author, limit: 100, viewerId: author });
      expect(own.items).toHaveLength(9);
      expect(own.items[1]?.id).toBe(pending.id);
      const ownIds = own.items.map((p) => p.id);
      expect(ownIds).toEqual([...ownIds].sort((x, y) => compareIds(y, x)));
    });

    it('serves a batch in request order, leaving out what the viewer may not see', async () => {
      const author = ids.next();
      const viewer = ids.next();
      const [a, b, c] = [
        await postWith(author, [READY]),
        await postWith(author, [READY]),
        await postWith(author, [READY]),
      ];
      const othersPending = await postWith(author, [PROCESSING]);
      const ownPending = await postWith(viewer, [PROCESSING]);
      const deleted = await postWith(author, [READY]);
      await posts.deletePost({ postId: deleted.id, authorId: author });

      const { items } = await posts.getPosts({
        postIds: [
          c.id,
          'not-an-id',
          othersPending.id,
          a.id,
          deleted.id,
          ownPending.id,
          '999999999',
          b.id,
          c.id,
        ],
        viewerId: viewer,
      });
      expect(items.map((p) => p.id)).toEqual([c.id, a.id, ownPending.id, b.id]);
      expect(items[0]).toEqual(c);
    });

    it('pulls the newest posts of several authors, paging by before_id without duplicates or gaps', async () => {
      const [ada, grace, lin, outsider] = [ids.next(), ids.next(), ids.next(), ids.next()];
      const expected: PostRef[] = [];
      for (const [i, author] of [ada, grace, ada, lin, outsider, grace, grace, ada, lin, ada].entries()) {
        const post = await postWith(author, [READY], `pull ${i}`);
        if (author !== outsider) expected.unshift({ postId: post.id, authorId: author });
      }
      // Neither pending, failed nor deleted posts are pulled.
      await postWith(ada, [PROCESSING]);
      const failing = await postWith(grace, [PROCESSING]);
      media.set(failing.mediaIds[0] ?? '', FAILED, 'broken');
      await posts.settleMedia({ mediaId: failing.mediaIds[0] ?? '' });
      const deleted = await postWith(lin, [READY]);
      await posts.deletePost({ postId: deleted.id, authorId: lin });

      const authorIds = [lin, ada, grace, ada, ids.next()];
      const all = await posts.listRecentByAuthors({ authorIds, limit: 100 });
      expect(all.items).toEqual(expected);

      const seen: PostRef[] = [];
      let beforeId: string | undefined;
      for (;;) {
        const page = await posts.listRecentByAuthors({ authorIds, limit: 3, beforeId });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items);
        if (page.items.length < 3) break;
        beforeId = page.items.at(-1)?.postId;
        // A post published between two reads belongs at the top, not in later pages.
        if (seen.length === 3) await postWith(grace, [READY], 'late');
      }
      expect(seen).toEqual(expected);
    });

    it('pulls from up to 10000 authors off the author index, reading at most limit posts per author', async () => {
      // 60 authors x 50 posts, every tenth pending, every seventh deleted; ids and author ids
      // below any generated id. Bulk-inserted: only the rows matter to the query.
      const AUTHORS = 60;
      const POSTS = 50;
      const authorOf = (a: number) => String(500_000_000_000 + a);
      const idOf = (n: number, a: number) => String(600_000_000_000 + n * 100 + a);
      const kysely = db.kysely<PostsTables>();
      await sql`
        insert into posts.posts (id, author_id, caption, status, published_at, created_at, deleted_at)
        select 600000000000 + n * 100 + a, 500000000000 + a, '',
          case when n % 10 = 0 then 'pending' else 'published' end,
          case when n % 10 = 0 then null else timestamptz '2026-01-02' + n * interval '1 minute' end,
          timestamptz '2026-01-02' + n * interval '1 minute',
          case when n % 7 = 0 then timestamptz '2026-01-03' end
        from generate_series(1, ${POSTS}) n, generate_series(1, ${AUTHORS}) a
      `.execute(kysely);
      await sql`analyze posts.posts`.execute(kysely);

      const authors = Array.from({ length: AUTHORS }, (_, i) => authorOf(i + 1));
      const visible: PostRef[] = [];
      for (let n = POSTS; n >= 1; n--) {
        if (n % 10 === 0 || n % 7 === 0) continue;
        for (let a = AUTHORS; a >= 1; a--) visible.push({ postId: idOf(n, a), authorId: authorOf(a) });
      }
      const strangers = Array.from({ length: MAX_PULL_AUTHORS - AUTHORS }, () => ids.next());
      const everyone = [...strangers.slice(0, 5000), ...authors, ...strangers.slice(5000)];
      const top = await posts.listRecentByAuthors({ authorIds: everyone, limit: 1000 });
      expect(top.items).toEqual(visible.slice(0, 1000));
      const before = idOf(33, 17);
      const older = await posts.listRecentByAuthors({ authorIds: authors, beforeId: before, limit: 25 });
      const start = visible.findIndex((ref) => compareIds(ref.postId, before) < 0);
      expect(visible[start]?.postId).toBe(idOf(33, 16));
      expect(older.items).toEqual(visible.slice(start, start + 25));
      expect(
        (await rejection(posts.listRecentByAuthors({ authorIds: [...everyone, ids.next()], limit: 10 })))
          .kind,
      ).toBe('invalid');

      // The plan: every read of posts.posts is an index scan of posts_author_id_idx that stops
      // after `limit` rows per author; no sort of all the authors' 3000 posts.
      const LIMIT = 10;
      const { rows } = await sql<{ 'QUERY PLAN': unknown }>`
        explain (analyze, format json) ${recentByAuthorsQuery(authors, undefined, LIMIT)}
      `.execute(kysely);
      const scans = postsScans(planOf(rows[0]?.['QUERY PLAN']));
      expect(scans.length).toBeGreaterThan(0);
      for (const scan of scans) {
        expect(scan['Node Type']).toMatch(/^Index (Only )?Scan$/);
        expect(scan['Index Name']).toBe('posts_author_id_idx');
      }
      const rowsRead = scans.reduce(
        (sum, scan) => sum + Number(scan['Actual Rows']) * Number(scan['Actual Loops']),
        0,
      );
      expect(rowsRead).toBe(AUTHORS * LIMIT);
    });

    it('lists recent publications of everyone, newest publication first, from since on', async () => {
      // A clock of its own, years ahead of the other tests' posts, so that only these qualify.
      let now = new Date('2030-06-01T10:00:00.000Z');
      const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
      const timed = new PostServiceImpl({ posts: new SqlPostsRepository(db), media, ids, now: () => now });
      const [ada, grace] = [ids.next(), ids.next()];
      const since = now;
      const first = await timed.createPost({ authorId: ada, caption: '', mediaIds: [media.add(ada)] });
      now = later(1);
      const slowPhoto = media.add(grace, PROCESSING);
      const slow = await timed.createPost({ authorId: grace, caption: '', mediaIds: [slowPhoto] });
      now = later(1);
      const second = await timed.createPost({ authorId: grace, caption: '', mediaIds: [media.add(grace)] });
      const gone = await timed.createPost({ authorId: ada, caption: '', mediaIds: [media.add(ada)] });
      await timed.deletePost({ postId: gone.id, authorId: ada });
      now = later(1);
      media.set(slowPhoto, READY);
      await timed.settleMedia({ mediaId: slowPhoto });
      await timed.createPost({ authorId: ada, caption: '', mediaIds: [media.add(ada, PROCESSING)] });

      const all = await timed.listRecentPublished({ since: since.toISOString(), limit: 100 });
      expect(all.items).toEqual([
        { postId: slow.id, authorId: grace },
        { postId: second.id, authorId: grace },
        { postId: first.id, authorId: ada },
      ]);
      const fromSecond = await timed.listRecentPublished({ since: second.publishedAt ?? '', limit: 100 });
      expect(fromSecond.items.map((ref) => ref.postId)).toEqual([slow.id, second.id]);
      const newest = await timed.listRecentPublished({ since: since.toISOString(), limit: 1 });
      expect(newest.items.map((ref) => ref.postId)).toEqual([slow.id]);
      await expect(timed.listRecentPublished({ since: later(1).toISOString(), limit: 100 })).resolves.toEqual(
        {
          items: [],
        },
      );
    });

    it('reads published posts through the cache, and on PostgreSQL alone when the cache is down', async () => {
      const memory = new MemoryCache();
      const errors: Error[] = [];
      const repository = new SqlPostsRepository(db);
      const onCacheError = (err: Error) => errors.push(err);
      const cached = new PostServiceImpl({ posts: repository, media, ids, cache: memory, onCacheError });
      const author = ids.next();
      try {
        const post = await cached.createPost({
          authorId: author,
          caption: 'cached',
          mediaIds: [media.add(author)],
        });
        const pending = await cached.createPost({
          authorId: author,
          caption: '',
          mediaIds: [media.add(author, PROCESSING)],
        });
        await expect(cached.getPosts({ postIds: [post.id, pending.id], viewerId: author })).resolves.toEqual({
          items: [post, pending],
        });
        expect(JSON.parse((await memory.get(postCacheKey(post.id))) ?? 'null')).toMatchObject({
          id: post.id,
          caption: 'cached',
          mediaIds: post.mediaIds,
        });
        await expect(memory.exists(postCacheKey(pending.id))).resolves.toBe(false);

        // Read through: the cached copy answers. (Published posts never change in place; this
        // change behind the cache's back only shows where the answer comes from.)
        await db
          .kysely<PostsTables>()
          .updateTable('posts.posts')
          .set({ caption: 'changed behind the cache' })
          .where('id', '=', post.id)
          .execute();
        await expect(cached.getPost({ postId: post.id })).resolves.toEqual(post);
        await expect(posts.getPost({ postId: post.id })).resolves.toMatchObject({
          caption: 'changed behind the cache',
        });
        await cached.deletePost({ postId: post.id, authorId: author });
        expect((await rejection(cached.getPost({ postId: post.id }))).kind).toBe('not_found');
        expect(errors).toEqual([]);

        const down = new PostServiceImpl({
          posts: repository,
          media,
          ids,
          cache: unavailableCache(),
          onCacheError,
        });
        const other = await down.createPost({
          authorId: author,
          caption: 'no cache',
          mediaIds: [media.add(author)],
        });
        await expect(down.getPost({ postId: other.id })).resolves.toEqual(other);
        await expect(down.getPosts({ postIds: [other.id, post.id, pending.id] })).resolves.toEqual({
          items: [other],
        });
        await expect(down.deletePost({ postId: other.id, authorId: author })).resolves.toEqual({});
        await expect(down.getPosts({ postIds: [other.id] })).resolves.toEqual({ items: [] });
        expect(errors).toHaveLength(4);
      } finally {
        await memory.close();
      }
    });
  });
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/** The root plan node of an `explain (format json)` answer, parsed or not by the driver. */
function planOf(explained: unknown): PlanNode {
  const json: unknown = typeof explained === 'string' ? JSON.parse(explained) : explained;
  const root = (json as { Plan: PlanNode }[])[0]?.Plan;
  if (root === undefined) throw new Error(`not a JSON plan: ${JSON.stringify(explained)}`);
  return root;
}

/** Every node of the plan that reads posts.posts. */
function postsScans(node: PlanNode): PlanNode[] {
  const own = node['Relation Name'] === 'posts' ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(postsScans)];
}
