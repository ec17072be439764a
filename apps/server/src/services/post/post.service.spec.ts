import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { MediaStatus } from '../../generated/glimpse/media/v1/media.js';
import { PostStatus } from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination/cursor.js';
import { rejection } from '../../testing/rejection.js';
import { POST_DELETED, POST_PUBLISHED } from './post.events.js';
import { POST_CACHE_TTL_MS, postCacheKey } from './post.cache.js';
import { MAX_POST_REFS, MAX_PULL_AUTHORS } from './post.rules.js';
import { PostServiceImpl } from './post.service.js';
import {
  FakeMediaService,
  InMemoryPostsRepository,
  recordingCache,
  unavailableCache,
} from './post.testing.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const ADA = '1001';
const GRACE = '1002';

function setup(cache?: Cache) {
  const posts = new InMemoryPostsRepository();
  const media = new FakeMediaService();
  const clock = { now: NOW };
  const cacheErrors: Error[] = [];
  let nextId = 9000;
  const service = new PostServiceImpl({
    posts,
    media,
    ids: { next: () => String(nextId++) },
    now: () => clock.now,
    traceparent: () => TRACEPARENT,
    ...(cache !== undefined && { cache, onCacheError: (err: Error) => cacheErrors.push(err) }),
  });
  /** A post of `authorId` with one photo of `status` (ready: published at once). */
  const post = async (authorId: string, status = MediaStatus.MEDIA_STATUS_READY) =>
    service.createPost({ authorId, caption: '', mediaIds: [media.add(authorId, status)] });
  return { service, posts, media, clock, cacheErrors, post };
}

type Setup = ReturnType<typeof setup>;

describe('PostServiceImpl', () => {
  let t: Setup;
  beforeEach(() => {
    t = setup();
  });

  describe('createPost', () => {
    it('publishes at once when every photo is ready, with one stamped post.published', async () => {
      const photos = [t.media.add(ADA), t.media.add(ADA)];
      const post = await t.service.createPost({ authorId: ADA, caption: '#Hi @Grace 👋', mediaIds: photos });

      expect(post).toEqual({
        id: '9000',
        authorId: ADA,
        caption: '#Hi @Grace 👋',
        mediaIds: photos,
        status: PostStatus.POST_STATUS_PUBLISHED,
        hashtags: ['hi'],
        mentions: ['grace'],
        createdAt: NOW.toISOString(),
        publishedAt: NOW.toISOString(),
      });
      expect(t.posts.outbox).toEqual([
        {
          id: '9001',
          type: POST_PUBLISHED,
          occurredAt: NOW.toISOString(),
          key: '9000',
          traceparent: TRACEPARENT,
          payload: {
            postId: '9000',
            authorId: ADA,
            mediaIds: photos,
            createdAt: NOW.toISOString(),
            publishedAt: NOW.toISOString(),
          },
        },
      ]);
      // Ready photos are final: no second look-up after the insert.
      expect(t.media.batchCalls).toBe(1);
    });

    it('keeps the post pending while a photo is uploaded or processing, and announces nothing', async () => {
      const photos = [
        t.media.add(ADA, MediaStatus.MEDIA_STATUS_UPLOADED),
        t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING),
      ];
      const post = await t.service.createPost({ authorId: ADA, caption: '', mediaIds: photos });
      expect(post.status).toBe(PostStatus.POST_STATUS_PENDING);
      expect(post).not.toHaveProperty('publishedAt');
      expect(post).not.toHaveProperty('failureReason');
      expect(t.posts.outbox).toEqual([]);
      // Looked up again after the insert, in case a photo got ready in between.
      expect(t.media.batchCalls).toBe(2);
    });

    it('answers with the settled post when the photo got ready and its event beat the create', async () => {
      const photo = t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING);
      t.media.onNextBatch(() => {
        t.media.set(photo, MediaStatus.MEDIA_STATUS_READY);
        return Promise.resolve();
      });
      // The second look-up (the create's own settle) finds the post already published by the
      // media event's settle, which ran just before.
      t.media.onNextBatch(() => t.service.settleMedia({ mediaId: photo }).then(() => undefined));

      const post = await t.service.createPost({ authorId: ADA, caption: '', mediaIds: [photo] });
      expect(post.status).toBe(PostStatus.POST_STATUS_PUBLISHED);
      expect(post.publishedAt).toBe(NOW.toISOString());
      expect(t.posts.outbox.filter((e) => e.type === POST_PUBLISHED)).toHaveLength(1);
    });

    it('reports every shape problem at once, on its field', async () => {
      const err = await rejection(
        t.service.createPost({ authorId: 'ada', caption: 'x'.repeat(2201), mediaIds: [] }),
      );
      expect(err.kind).toBe('invalid');
      expect(err.errors).toEqual([
        { path: 'authorId', message: 'must be a user id' },
        { path: 'caption', message: 'must be at most 2200 characters' },
        { path: 'mediaIds', message: 'must hold 1 to 10 photos' },
      ]);
      expect(t.media.batchCalls).toBe(0);
    });

    it('takes 1 to 10 distinct, well-formed media ids', async () => {
      const eleven = Array.from({ length: 11 }, () => t.media.add(ADA));
      expect(
        (await rejection(t.service.createPost({ authorId: ADA, caption: '', mediaIds: eleven }))).errors,
      ).toEqual([{ path: 'mediaIds', message: 'must hold 1 to 10 photos' }]);
      await expect(
        t.service.createPost({ authorId: ADA, caption: '', mediaIds: eleven.slice(0, 10) }),
      ).resolves.toMatchObject({ mediaIds: eleven.slice(0, 10) });

      const photo = t.media.add(ADA);
      const err = await rejection(
        t.service.createPost({
          authorId: ADA,
          caption: '',
          mediaIds: [photo, '0', photo, '99999999999999999999'],
        }),
      );
      expect(err.errors).toEqual([
        { path: 'mediaIds.1', message: 'must be a media id' },
        { path: 'mediaIds.2', message: 'is already in this post' },
        { path: 'mediaIds.3', message: 'must be a media id' },
      ]);
    });

    it("refuses unknown, someone else's, not yet uploaded and failed photos, each on its index", async () => {
      const failed = t.media.add(ADA, MediaStatus.MEDIA_STATUS_FAILED);
      t.media.set(failed, MediaStatus.MEDIA_STATUS_FAILED, 'unsupported format');
      const err = await rejection(
        t.service.createPost({
          authorId: ADA,
          caption: '',
          mediaIds: [
            t.media.add(ADA),
            '424242',
            t.media.add(GRACE),
            t.media.add(ADA, MediaStatus.MEDIA_STATUS_PENDING),
            failed,
          ],
        }),
      );
      expect(err.kind).toBe('invalid');
      expect(err.errors).toEqual([
        { path: 'mediaIds.1', message: 'unknown media' },
        { path: 'mediaIds.2', message: 'unknown media' },
        { path: 'mediaIds.3', message: 'has not been uploaded yet' },
        { path: 'mediaIds.4', message: 'failed processing: unsupported format' },
      ]);
    });

    it('refuses photos already in a post with a conflict naming them', async () => {
      const [a, b, c] = [t.media.add(ADA), t.media.add(ADA), t.media.add(ADA)];
      await t.service.createPost({ authorId: ADA, caption: '', mediaIds: [b] });
      const err = await rejection(t.service.createPost({ authorId: ADA, caption: '', mediaIds: [a, b, c] }));
      expect(err.kind).toBe('conflict');
      expect(err.errors).toEqual([{ path: 'mediaIds.1', message: 'is already used by another post' }]);
    });
  });

  describe('settleMedia', () => {
    it('publishes once when the last photo is ready', async () => {
      const [first, second] = [
        t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING),
        t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING),
      ];
      const post = await t.service.createPost({ authorId: ADA, caption: '', mediaIds: [first, second] });

      t.media.set(first, MediaStatus.MEDIA_STATUS_READY);
      await t.service.settleMedia({ mediaId: first });
      expect(t.posts.outbox).toEqual([]);

      t.media.set(second, MediaStatus.MEDIA_STATUS_READY);
      await t.service.settleMedia({ mediaId: second });
      await t.service.settleMedia({ mediaId: second });
      expect(t.posts.outbox).toHaveLength(1);
      expect(t.posts.outbox[0]?.payload).toMatchObject({ postId: post.id, mediaIds: [first, second] });
      await expect(t.service.getPost({ postId: post.id })).resolves.toMatchObject({
        status: PostStatus.POST_STATUS_PUBLISHED,
      });
    });

    it('fails the post as soon as one photo fails, even while another is processing', async () => {
      const [first, second] = [
        t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING),
        t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING),
      ];
      const post = await t.service.createPost({ authorId: ADA, caption: '', mediaIds: [first, second] });
      t.media.set(second, MediaStatus.MEDIA_STATUS_FAILED, 'image too small');
      await t.service.settleMedia({ mediaId: second });

      await expect(t.service.getPost({ postId: post.id, viewerId: ADA })).resolves.toMatchObject({
        status: PostStatus.POST_STATUS_FAILED,
        failureReason: 'photo 2 failed processing: image too small',
      });
      expect(t.posts.outbox).toEqual([]);
    });

    it('does nothing for a media in no pending post, or for an id that names no media', async () => {
      await expect(t.service.settleMedia({ mediaId: '5555' })).resolves.toEqual({});
      await expect(t.service.settleMedia({ mediaId: 'nope' })).resolves.toEqual({});
      expect(t.media.batchCalls).toBe(0);
    });
  });

  describe('reads', () => {
    it('shows unpublished posts to their author only, and nothing for ids that name no post', async () => {
      const post = await t.service.createPost({
        authorId: ADA,
        caption: '',
        mediaIds: [t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING)],
      });
      await expect(t.service.getPost({ postId: post.id, viewerId: ADA })).resolves.toEqual(post);
      expect((await rejection(t.service.getPost({ postId: post.id, viewerId: GRACE }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(t.service.getPost({ postId: post.id, viewerId: 'ada' }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(t.service.getPost({ postId: '-1' }))).kind).toBe('not_found');
    });

    it('serves a batch in request order, once per id, without the posts the viewer may not see', async () => {
      const mk = async (authorId: string, status = MediaStatus.MEDIA_STATUS_READY) =>
        (await t.service.createPost({ authorId, caption: '', mediaIds: [t.media.add(authorId, status)] })).id;
      const [a, b] = [await mk(ADA), await mk(GRACE)];
      const adaPending = await mk(ADA, MediaStatus.MEDIA_STATUS_PROCESSING);
      const gracePending = await mk(GRACE, MediaStatus.MEDIA_STATUS_PROCESSING);

      const { items } = await t.service.getPosts({
        postIds: [b, gracePending, a, 'x', b, adaPending],
        viewerId: ADA,
      });
      expect(items.map((p) => p.id)).toEqual([b, a, adaPending]);
      await expect(t.service.getPosts({ postIds: [] })).resolves.toEqual({ items: [] });
    });

    it('pages an author newest first with a cursor, published only for others', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const post = await t.service.createPost({
          authorId: ADA,
          caption: `${i}`,
          mediaIds: [t.media.add(ADA)],
        });
        ids.push(post.id);
      }
      const pending = await t.service.createPost({
        authorId: ADA,
        caption: '',
        mediaIds: [t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING)],
      });

      const first = await t.service.listAuthorPosts({ authorId: ADA, limit: 2, viewerId: GRACE });
      expect(first.items.map((p) => p.id)).toEqual([ids[4], ids[3]]);
      expect(decodeCursor(first.nextCursor ?? '', z.object({ id: z.string() }))).toEqual({ id: ids[3] });
      const rest = await t.service.listAuthorPosts({ authorId: ADA, limit: 10, cursor: first.nextCursor });
      expect(rest).toEqual({ items: expect.any(Array) });
      expect(rest.items.map((p) => p.id)).toEqual([ids[2], ids[1], ids[0]]);

      const own = await t.service.listAuthorPosts({ authorId: ADA, limit: 0, viewerId: ADA });
      expect(own.items.map((p) => p.id)).toEqual([pending.id, ...[...ids].reverse()]);
    });

    it('answers a bad cursor as malformed and a bad author id as invalid', async () => {
      const far = encodeCursor({ id: '9999999999999999999' });
      expect(
        (await rejection(t.service.listAuthorPosts({ authorId: ADA, limit: 10, cursor: far }))).kind,
      ).toBe('malformed');
      expect(
        (await rejection(t.service.listAuthorPosts({ authorId: ADA, limit: 10, cursor: '!!' }))).kind,
      ).toBe('malformed');
      expect((await rejection(t.service.listAuthorPosts({ authorId: '@ada', limit: 10 }))).errors).toEqual([
        { path: 'authorId', message: 'must be a user id' },
      ]);
    });
  });

  describe('deletePost', () => {
    it('lets the author delete once, announcing it once', async () => {
      const post = await t.service.createPost({ authorId: ADA, caption: '', mediaIds: [t.media.add(ADA)] });
      await expect(t.service.deletePost({ postId: post.id, authorId: ADA })).resolves.toEqual({});
      await expect(t.service.deletePost({ postId: post.id, authorId: ADA })).resolves.toEqual({});

      const deletions = t.posts.outbox.filter((e) => e.type === POST_DELETED);
      expect(deletions).toEqual([
        {
          id: expect.any(String),
          type: POST_DELETED,
          occurredAt: NOW.toISOString(),
          key: post.id,
          traceparent: TRACEPARENT,
          payload: { postId: post.id, authorId: ADA, deletedAt: NOW.toISOString() },
        },
      ]);
      expect((await rejection(t.service.getPost({ postId: post.id, viewerId: ADA }))).kind).toBe('not_found');
    });

    it('forbids others a post they can see, and tells them nothing of one they cannot', async () => {
      const published = await t.service.createPost({
        authorId: ADA,
        caption: '',
        mediaIds: [t.media.add(ADA)],
      });
      const pending = await t.service.createPost({
        authorId: ADA,
        caption: '',
        mediaIds: [t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING)],
      });
      expect((await rejection(t.service.deletePost({ postId: published.id, authorId: GRACE }))).kind).toBe(
        'forbidden',
      );
      expect((await rejection(t.service.deletePost({ postId: pending.id, authorId: GRACE }))).kind).toBe(
        'not_found',
      );
      await t.service.deletePost({ postId: published.id, authorId: ADA });
      expect((await rejection(t.service.deletePost({ postId: published.id, authorId: GRACE }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(t.service.deletePost({ postId: '77777', authorId: ADA }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(t.service.deletePost({ postId: 'abc', authorId: ADA }))).kind).toBe(
        'not_found',
      );
    });
  });

  describe('listRecentByAuthors', () => {
    it('lists published posts of the authors newest first, before before_id, at most limit', async () => {
      const LIN = '1003';
      const ids: string[] = [];
      for (const author of [ADA, GRACE, LIN, ADA, GRACE]) ids.push((await t.post(author)).id);
      await t.post(ADA, MediaStatus.MEDIA_STATUS_PROCESSING);
      const deleted = await t.post(GRACE);
      await t.service.deletePost({ postId: deleted.id, authorId: GRACE });

      const refs = await t.service.listRecentByAuthors({ authorIds: [ADA, GRACE, ADA], limit: 10 });
      expect(refs.items).toEqual([
        { postId: ids[4], authorId: GRACE },
        { postId: ids[3], authorId: ADA },
        { postId: ids[1], authorId: GRACE },
        { postId: ids[0], authorId: ADA },
      ]);
      const older = await t.service.listRecentByAuthors({
        authorIds: [ADA, GRACE],
        beforeId: ids[3],
        limit: 1,
      });
      expect(older.items).toEqual([{ postId: ids[1], authorId: GRACE }]);
      await expect(t.service.listRecentByAuthors({ authorIds: [], limit: 10 })).resolves.toEqual({
        items: [],
      });
    });

    it('takes at most MAX_PULL_AUTHORS well-formed author ids and a well-formed before_id', async () => {
      const many = Array.from({ length: MAX_PULL_AUTHORS + 1 }, (_, i) => String(100_000 + i));
      const tooMany = await rejection(t.service.listRecentByAuthors({ authorIds: many, limit: 10 }));
      expect(tooMany.kind).toBe('invalid');
      expect(tooMany.errors).toEqual([{ path: 'authorIds', message: 'must hold at most 10000 authors' }]);
      // The cap counts distinct authors.
      const repeated = [...many.slice(0, MAX_PULL_AUTHORS), many[0] ?? ''];
      await expect(t.service.listRecentByAuthors({ authorIds: repeated, limit: 10 })).resolves.toEqual({
        items: [],
      });

      const bad = await rejection(
        t.service.listRecentByAuthors({ authorIds: [ADA, 'ada', '0'], beforeId: '-5', limit: 10 }),
      );
      expect(bad.errors).toEqual([
        { path: 'authorIds.1', message: 'must be a user id' },
        { path: 'authorIds.2', message: 'must be a user id' },
        { path: 'beforeId', message: 'must be a post id' },
      ]);
    });

    it('reads MAX_POST_REFS when the limit is unset and clamps it into 1..MAX_POST_REFS', async () => {
      const spy = vi.spyOn(t.posts, 'listRecentByAuthors');
      for (const limit of [0, 5000, -3, 7])
        await t.service.listRecentByAuthors({ authorIds: [ADA, ADA], limit });
      expect(spy.mock.calls).toEqual([
        [[ADA], undefined, MAX_POST_REFS],
        [[ADA], undefined, MAX_POST_REFS],
        [[ADA], undefined, 1],
        [[ADA], undefined, 7],
      ]);
    });
  });

  describe('listRecentPublished', () => {
    it('lists posts published at or after since, newest publication first', async () => {
      const at = (minute: number) => new Date(NOW.getTime() + minute * 60_000);
      t.clock.now = at(0);
      const early = await t.post(ADA);
      t.clock.now = at(1);
      const photo = t.media.add(GRACE, MediaStatus.MEDIA_STATUS_PROCESSING);
      const late = await t.service.createPost({ authorId: GRACE, caption: '', mediaIds: [photo] });
      t.clock.now = at(2);
      const onTime = await t.post(ADA);
      t.clock.now = at(3);
      const gone = await t.post(GRACE);
      await t.service.deletePost({ postId: gone.id, authorId: GRACE });
      // Created before onTime, published after it.
      t.clock.now = at(4);
      t.media.set(photo, MediaStatus.MEDIA_STATUS_READY);
      await t.service.settleMedia({ mediaId: photo });
      await t.post(GRACE, MediaStatus.MEDIA_STATUS_PROCESSING);

      const all = await t.service.listRecentPublished({ since: at(0).toISOString(), limit: 0 });
      expect(all.items).toEqual([
        { postId: late.id, authorId: GRACE },
        { postId: onTime.id, authorId: ADA },
        { postId: early.id, authorId: ADA },
      ]);
      const recent = await t.service.listRecentPublished({ since: at(2).toISOString(), limit: 1 });
      expect(recent.items).toEqual([{ postId: late.id, authorId: GRACE }]);
      const offset = await t.service.listRecentPublished({ since: '2026-03-01T13:02:00+01:00', limit: 10 });
      expect(offset.items.map((ref) => ref.postId)).toEqual([late.id, onTime.id]);
    });

    it('answers a since that is no ISO 8601 time as invalid', async () => {
      for (const since of ['', 'yesterday', '2026-03-01', '1700000000']) {
        const err = await rejection(t.service.listRecentPublished({ since, limit: 10 }));
        expect(err.errors).toEqual([{ path: 'since', message: 'must be an ISO 8601 time' }]);
      }
    });
  });

  describe('post cache', () => {
    let memory: MemoryCache;
    let recorded: ReturnType<typeof recordingCache>;
    beforeEach(() => {
      memory = new MemoryCache();
      recorded = recordingCache(memory);
      t = setup(recorded.cache);
    });
    afterEach(async () => {
      await memory.close();
    });

    it('reads a batch in one cache round and one SQL query for the misses, then from the cache', async () => {
      const [a, b, c] = [await t.post(ADA), await t.post(GRACE), await t.post(ADA)];
      recorded.calls.length = 0;

      const first = await t.service.getPosts({ postIds: [c.id, a.id, b.id] });
      expect(first.items).toEqual([c, a, b]);
      expect(recorded.calls).toEqual(['getMany', 'set', 'set', 'set']);
      expect(t.posts.findVisibleCalls).toEqual([[c.id, a.id, b.id]]);
      const cached = await memory.get(postCacheKey(a.id));
      expect(JSON.parse(cached ?? 'null')).toMatchObject({ id: a.id, authorId: ADA, status: 'published' });
      const ttl = await memory.ttl(postCacheKey(a.id));
      expect(ttl).toBeGreaterThan(POST_CACHE_TTL_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(POST_CACHE_TTL_MS);

      recorded.calls.length = 0;
      const d = await t.post(GRACE);
      const second = await t.service.getPosts({ postIds: [b.id, d.id, a.id, c.id], viewerId: GRACE });
      expect(second.items).toEqual([b, d, a, c]);
      expect(recorded.calls).toEqual(['getMany', 'set']);
      expect(t.posts.findVisibleCalls.at(-1)).toEqual([d.id]);

      recorded.calls.length = 0;
      await expect(t.service.getPost({ postId: b.id })).resolves.toEqual(b);
      expect(recorded.calls).toEqual(['getMany']);
      expect(t.posts.findVisibleCalls).toHaveLength(2);
    });

    it('never caches a post before it is published, so its author keeps seeing it change', async () => {
      const photo = t.media.add(ADA, MediaStatus.MEDIA_STATUS_PROCESSING);
      const pending = await t.service.createPost({ authorId: ADA, caption: '', mediaIds: [photo] });
      await expect(t.service.getPost({ postId: pending.id, viewerId: ADA })).resolves.toEqual(pending);
      await expect(memory.exists(postCacheKey(pending.id))).resolves.toBe(false);
      expect((await rejection(t.service.getPost({ postId: pending.id }))).kind).toBe('not_found');

      t.media.set(photo, MediaStatus.MEDIA_STATUS_READY);
      await t.service.settleMedia({ mediaId: photo });
      const published = await t.service.getPost({ postId: pending.id, viewerId: ADA });
      expect(published.status).toBe(PostStatus.POST_STATUS_PUBLISHED);
      await expect(memory.exists(postCacheKey(pending.id))).resolves.toBe(true);
      await expect(t.service.getPost({ postId: pending.id, viewerId: GRACE })).resolves.toEqual(published);
    });

    it('stops serving a cached post once it is deleted, without asking PostgreSQL again', async () => {
      const post = await t.post(ADA);
      await t.service.getPost({ postId: post.id });
      await t.service.deletePost({ postId: post.id, authorId: ADA });
      const queries = t.posts.findVisibleCalls.length;

      expect((await rejection(t.service.getPost({ postId: post.id, viewerId: ADA }))).kind).toBe('not_found');
      await expect(t.service.getPosts({ postIds: [post.id] })).resolves.toEqual({ items: [] });
      expect(t.posts.findVisibleCalls).toHaveLength(queries);
    });

    it('keeps out a post that a read found just before its delete committed', async () => {
      const post = await t.post(ADA);
      const findVisible = t.posts.findVisible.bind(t.posts);
      // The read finds the post; the delete commits and invalidates before the read caches it.
      vi.spyOn(t.posts, 'findVisible').mockImplementationOnce(async (ids, viewerId) => {
        const records = await findVisible(ids, viewerId);
        await t.service.deletePost({ postId: post.id, authorId: ADA });
        return records;
      });
      await expect(t.service.getPost({ postId: post.id })).resolves.toEqual(post);
      expect((await rejection(t.service.getPost({ postId: post.id }))).kind).toBe('not_found');
    });

    it('replaces an unreadable cached value, reporting it', async () => {
      const post = await t.post(ADA);
      await memory.set(postCacheKey(post.id), '{"id":"an older format"}');
      await expect(t.service.getPost({ postId: post.id })).resolves.toEqual(post);
      expect(t.cacheErrors.map((err) => err.message)).toEqual([
        `Unreadable cached post under ${postCacheKey(post.id)}`,
      ]);
      await t.service.getPost({ postId: post.id });
      expect(t.posts.findVisibleCalls).toHaveLength(1);
      expect(t.cacheErrors).toHaveLength(1);
    });

    it('works on PostgreSQL alone while every cache call fails, reporting each failure', async () => {
      const down = recordingCache(unavailableCache());
      t = setup(down.cache);
      const [a, b] = [await t.post(ADA), await t.post(GRACE)];
      await expect(t.service.getPost({ postId: a.id })).resolves.toEqual(a);
      await expect(t.service.getPosts({ postIds: [b.id, a.id] })).resolves.toEqual({ items: [b, a] });
      // A cache that cannot be read is not written to: that would only wait for it again.
      expect(down.calls).toEqual(['getMany', 'getMany']);
      await expect(t.service.deletePost({ postId: a.id, authorId: ADA })).resolves.toEqual({});
      await expect(t.service.getPosts({ postIds: [b.id, a.id] })).resolves.toEqual({ items: [b] });
      expect(t.cacheErrors.map((err) => err.message)).toEqual(Array(4).fill('Connection is closed.'));
    });

    it('survives a cache that fails on writes only, and an error reporter that throws', async () => {
      const set = vi.spyOn(memory, 'set').mockRejectedValue(new Error('OOM command not allowed'));
      const service = new PostServiceImpl({
        posts: t.posts,
        media: t.media,
        ids: { next: () => '12345' },
        cache: memory,
        onCacheError: () => {
          throw new Error('logger down');
        },
      });
      const post = await t.post(ADA);
      await expect(service.getPosts({ postIds: [post.id] })).resolves.toEqual({ items: [post] });
      await expect(service.getPost({ postId: post.id })).resolves.toEqual(post);
      await expect(service.deletePost({ postId: post.id, authorId: ADA })).resolves.toEqual({});
      expect(set).toHaveBeenCalledTimes(3);
      expect((await rejection(service.getPost({ postId: post.id }))).kind).toBe('not_found');
    });
  });
});
