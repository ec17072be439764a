import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PostStatus } from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { rejection } from '../../testing/rejection.js';
import { FakePostService, recordingCache, unavailableCache } from '../post/post.testing.js';
import { LIKE_CREATED, LIKE_REMOVED } from './like.events.js';
import { likeCountKey, userLikesKey } from './like.keys.js';
import { LIKE_COUNT_TTL_MS, RECONCILE_BATCH, RECONCILE_WINDOW_MS } from './like.rules.js';
import { LikeServiceImpl } from './like.service.js';
import { InMemoryLikesRepository } from './like.testing.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function setup(cache?: Cache) {
  const likes = new InMemoryLikesRepository();
  const posts = new FakePostService();
  const cacheErrors: Error[] = [];
  let nextId = 9000;
  let now = NOW;
  const service = new LikeServiceImpl({
    likes,
    posts,
    ids: { next: () => String(nextId++) },
    now: () => now,
    traceparent: () => TRACEPARENT,
    ...(cache !== undefined && { cache }),
    onCacheError: (err) => cacheErrors.push(err),
  });
  return {
    service,
    likes,
    posts,
    cacheErrors,
    setNow: (date: Date) => {
      now = date;
    },
  };
}

describe('LikeServiceImpl', () => {
  let memory: MemoryCache;
  beforeEach(() => {
    memory = new MemoryCache();
  });
  afterEach(async () => {
    await memory.close();
  });

  describe('like and unlike', () => {
    it('announces a new like with the post author, keyed by the post, and records it', async () => {
      const t = setup(memory);
      const postId = t.posts.add('501');
      await expect(t.service.like({ userId: '42', postId })).resolves.toEqual({
        liked: true,
        likeCount: '1',
      });

      expect(t.likes.outbox).toEqual([
        {
          id: '9000',
          type: LIKE_CREATED,
          key: postId,
          occurredAt: NOW.toISOString(),
          payload: { userId: '42', postId, postAuthorId: '501', createdAt: NOW.toISOString() },
          traceparent: TRACEPARENT,
        },
      ]);
      expect(t.likes.history).toEqual([{ id: '9000', userId: '42', postId, action: 'like', createdAt: NOW }]);
      // The post is looked up as a stranger sees it: no viewer.
      expect(t.posts.calls).toEqual([postId]);
    });

    it('changes nothing, in the database or the cache, on a repeated like or unlike', async () => {
      const { cache, calls } = recordingCache(memory);
      const t = setup(cache);
      const postId = t.posts.add('501');
      await memory.set(likeCountKey(postId), '10');

      await t.service.like({ userId: '42', postId });
      calls.length = 0;
      await expect(t.service.like({ userId: '42', postId })).resolves.toEqual({
        liked: true,
        likeCount: '11',
      });
      // A read of the counter, no increment, no set update.
      expect(calls).toEqual(['getMany']);
      expect(t.likes.outbox).toHaveLength(1);

      await expect(t.service.unlike({ userId: '42', postId })).resolves.toEqual({
        liked: false,
        likeCount: '10',
      });
      calls.length = 0;
      await expect(t.service.unlike({ userId: '42', postId })).resolves.toEqual({
        liked: false,
        likeCount: '10',
      });
      expect(calls).toEqual(['getMany']);
      expect(t.likes.outbox.map((event) => event.type)).toEqual([LIKE_CREATED, LIKE_REMOVED]);
      expect(t.likes.outbox[1]?.payload).toEqual({
        userId: '42',
        postId,
        postAuthorId: '501',
        removedAt: NOW.toISOString(),
      });
      expect(t.likes.history.map((entry) => entry.action)).toEqual(['like', 'unlike']);
    });

    it("moves the counter and the user's liked set only when the like changed", async () => {
      const t = setup(memory);
      const postId = t.posts.add('501');
      await memory.set(likeCountKey(postId), '7', { ttlMs: 60_000 });

      await expect(t.service.like({ userId: '42', postId })).resolves.toMatchObject({ likeCount: '8' });
      expect(await memory.sMembers(userLikesKey('42'))).toEqual([postId]);
      // The increment kept the counter's TTL: it is still rebuilt when it runs out.
      expect(await memory.ttl(likeCountKey(postId))).toBeLessThanOrEqual(60_000);
      await expect(t.service.unlike({ userId: '42', postId })).resolves.toMatchObject({ likeCount: '7' });
      expect(await memory.exists(userLikesKey('42'))).toBe(false);
      expect(t.likes.countCalls).toEqual([]);
    });

    it('rebuilds a missing counter from COUNT(*) instead of starting it at 1, with a TTL', async () => {
      const { cache, calls } = recordingCache(memory);
      const t = setup(cache);
      const postId = t.posts.add('501');
      await t.service.like({ userId: '1', postId });
      await t.service.like({ userId: '2', postId });
      await memory.del(likeCountKey(postId));
      calls.length = 0;
      t.likes.countCalls.length = 0;

      await expect(t.service.like({ userId: '3', postId })).resolves.toMatchObject({ likeCount: '3' });
      // The increment found no counter: counted once, cached if still absent, no second read.
      expect(calls).toEqual(['incrByIfExists', 'sAdd', 'set']);
      expect(t.likes.countCalls).toEqual([[postId]]);
      expect(await memory.get(likeCountKey(postId))).toBe('3');
      const ttl = await memory.ttl(likeCountKey(postId));
      expect(ttl).toBeGreaterThan(LIKE_COUNT_TTL_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(LIKE_COUNT_TTL_MS);
    });

    it('shows a counter that drifted below zero as 0', async () => {
      const t = setup(memory);
      const postId = t.posts.add('501');
      await t.service.like({ userId: '1', postId });
      await memory.set(likeCountKey(postId), '0');
      await expect(t.service.unlike({ userId: '1', postId })).resolves.toEqual({
        liked: false,
        likeCount: '0',
      });
      expect(await memory.get(likeCountKey(postId))).toBe('-1');
    });

    it('likes and counts on PostgreSQL alone while the cache fails, reporting the failures', async () => {
      const t = setup(unavailableCache());
      const postId = t.posts.add('501');
      await expect(t.service.like({ userId: '1', postId })).resolves.toEqual({ liked: true, likeCount: '1' });
      await expect(t.service.like({ userId: '2', postId })).resolves.toEqual({ liked: true, likeCount: '2' });
      await expect(t.service.like({ userId: '2', postId })).resolves.toEqual({ liked: true, likeCount: '2' });
      await expect(t.service.unlike({ userId: '1', postId })).resolves.toEqual({
        liked: false,
        likeCount: '1',
      });
      expect(t.likes.outbox).toHaveLength(3);
      expect(t.cacheErrors.length).toBeGreaterThan(0);
      expect(t.cacheErrors.every((err) => err.message === 'Connection is closed.')).toBe(true);
    });

    it('survives an onCacheError that throws', async () => {
      const likes = new InMemoryLikesRepository();
      const posts = new FakePostService();
      const service = new LikeServiceImpl({
        likes,
        posts,
        ids: { next: () => '1' },
        cache: unavailableCache(),
        onCacheError: () => {
          throw new Error('logger down');
        },
      });
      const postId = posts.add('501');
      await expect(service.like({ userId: '2', postId })).resolves.toEqual({ liked: true, likeCount: '1' });
    });

    it('counts from PostgreSQL when it has no cache at all', async () => {
      const t = setup();
      const postId = t.posts.add('501');
      await expect(t.service.like({ userId: '1', postId })).resolves.toEqual({ liked: true, likeCount: '1' });
      await expect(t.service.reconcile({})).resolves.toEqual({ checked: '0', drifted: '0', drift: '0' });
      expect(t.cacheErrors).toEqual([]);
    });

    it('answers not_found for unknown, pending, failed and deleted posts, and writes nothing', async () => {
      const t = setup(memory);
      const pending = t.posts.add('501', PostStatus.POST_STATUS_PENDING);
      const failed = t.posts.add('501', PostStatus.POST_STATUS_FAILED);
      const deleted = t.posts.add('501');
      t.posts.delete(deleted);
      for (const postId of ['123456', 'abc', '', pending, failed, deleted]) {
        expect((await rejection(t.service.like({ userId: '42', postId }))).kind).toBe('not_found');
        expect((await rejection(t.service.unlike({ userId: '42', postId }))).kind).toBe('not_found');
        expect((await rejection(t.service.listLikers({ postId, limit: 5 }))).kind).toBe('not_found');
      }
      // The author sees their pending post, but may not like it either.
      expect((await rejection(t.service.like({ userId: '501', postId: pending }))).kind).toBe('not_found');
      expect(t.likes.outbox).toEqual([]);
      expect(t.likes.history).toEqual([]);
    });

    it('refuses a user id that names no user', async () => {
      const t = setup(memory);
      const postId = t.posts.add('501');
      const refused = await rejection(t.service.like({ userId: 'me', postId }));
      expect(refused.kind).toBe('invalid');
      expect(refused.errors).toEqual([{ path: 'userId', message: 'must be a user id' }]);
      expect((await rejection(t.service.unlike({ userId: '', postId }))).kind).toBe('invalid');
    });
  });

  describe('getLikeSummaries', () => {
    it('reads the counters in one round trip and counts only the misses, in one query', async () => {
      const { cache, calls } = recordingCache(memory);
      const t = setup(cache);
      const [a, b, c] = [t.posts.add('501'), t.posts.add('502'), t.posts.add('503')];
      await t.service.like({ userId: '1', postId: a });
      await t.service.like({ userId: '1', postId: c });
      await t.service.like({ userId: '2', postId: c });
      await memory.set(likeCountKey(a), '5');
      await memory.del(likeCountKey(c));
      t.likes.countCalls.length = 0;
      calls.length = 0;

      const summaries = await t.service.getLikeSummaries({ postIds: [c, a, b, c], viewerId: '1' });
      expect(summaries.items).toEqual([
        { postId: c, likeCount: '2', likedByViewer: true },
        { postId: a, likeCount: '5', likedByViewer: true },
        { postId: b, likeCount: '0', likedByViewer: false },
        { postId: c, likeCount: '2', likedByViewer: true },
      ]);
      expect(t.likes.countCalls).toEqual([[c, b]]);
      // One read, then the misses cached where still absent (a post nobody likes counts 0).
      expect(calls).toEqual(['getMany', 'set', 'set']);
      expect(await memory.get(likeCountKey(b))).toBe('0');
      expect(await memory.get(likeCountKey(c))).toBe('2');

      calls.length = 0;
      await t.service.getLikeSummaries({ postIds: [a, b, c] });
      expect(calls).toEqual(['getMany']);
      expect(t.likes.countCalls).toHaveLength(1);
    });

    it('replaces an unreadable counter with the count, reporting it', async () => {
      const t = setup(memory);
      const postId = t.posts.add('501');
      await t.service.like({ userId: '1', postId });
      await memory.set(likeCountKey(postId), 'many');
      const { items } = await t.service.getLikeSummaries({ postIds: [postId] });
      expect(items[0]?.likeCount).toBe('1');
      expect(await memory.get(likeCountKey(postId))).toBe('1');
      expect(t.cacheErrors.map((err) => err.message)).toEqual([
        `Unreadable like counter under ${likeCountKey(postId)}`,
      ]);
    });

    it('answers from PostgreSQL while the cache fails', async () => {
      const t = setup(unavailableCache());
      const postId = t.posts.add('501');
      await t.service.like({ userId: '1', postId });
      const { items } = await t.service.getLikeSummaries({ postIds: [postId], viewerId: '1' });
      expect(items).toEqual([{ postId, likeCount: '1', likedByViewer: true }]);
    });

    it('takes at most 1000 posts, and ignores a viewer id that names no user', async () => {
      const t = setup(memory);
      const postId = t.posts.add('501');
      await t.service.like({ userId: '1', postId });
      const many = Array.from({ length: 1000 }, (_, i) => String(1000 + i));
      await expect(t.service.getLikeSummaries({ postIds: many })).resolves.toMatchObject({
        items: expect.any(Array),
      });
      const refused = await rejection(t.service.getLikeSummaries({ postIds: [...many, '1'] }));
      expect(refused.kind).toBe('invalid');
      expect(refused.errors).toEqual([{ path: 'postIds', message: 'must hold at most 1000 posts' }]);
      const { items } = await t.service.getLikeSummaries({ postIds: [postId], viewerId: 'x' });
      expect(items).toEqual([{ postId, likeCount: '1', likedByViewer: false }]);
    });
  });

  describe('listLikers', () => {
    it('pages newest first and rejects a cursor that is not ours', async () => {
      const t = setup(memory);
      const postId = t.posts.add('501');
      for (const [index, userId] of ['11', '12', '13'].entries()) {
        t.setNow(new Date(NOW.getTime() + index * 1000));
        await t.service.like({ userId, postId });
      }
      const first = await t.service.listLikers({ postId, limit: 2 });
      expect(first.userIds).toEqual(['13', '12']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await t.service.listLikers({ postId, limit: 2, cursor: first.nextCursor ?? '' });
      expect(second).toEqual({ userIds: ['11'] });

      for (const cursor of ['!!', Buffer.from('{"t":"x","u":"1"}').toString('base64url')]) {
        expect((await rejection(t.service.listLikers({ postId, limit: 2, cursor }))).kind).toBe('malformed');
      }
    });
  });

  describe('reconcile', () => {
    it('repairs the counters of recently liked posts that drifted, and leaves missing ones', async () => {
      const t = setup(memory);
      const [a, b, c, old] = [t.posts.add('1'), t.posts.add('2'), t.posts.add('3'), t.posts.add('4')];
      t.setNow(new Date(NOW.getTime() - RECONCILE_WINDOW_MS - 1));
      await t.service.like({ userId: '10', postId: old });
      t.setNow(NOW);
      for (const postId of [a, b, c]) {
        await t.service.like({ userId: '10', postId });
        await t.service.like({ userId: '11', postId });
      }
      await memory.set(likeCountKey(a), '9');
      await memory.set(likeCountKey(b), 'junk');
      await memory.del(likeCountKey(c));
      await memory.set(likeCountKey(old), '100');

      await expect(t.service.reconcile({})).resolves.toEqual({ checked: '2', drifted: '2', drift: '9' });
      expect(await memory.get(likeCountKey(a))).toBe('2');
      expect(await memory.get(likeCountKey(b))).toBe('2');
      expect(await memory.ttl(likeCountKey(a))).toBeGreaterThan(0);
      expect(await memory.exists(likeCountKey(c))).toBe(false);
      // Not liked within the window: not scanned.
      expect(await memory.get(likeCountKey(old))).toBe('100');
      await expect(t.service.reconcile({})).resolves.toEqual({ checked: '2', drifted: '0', drift: '0' });
    });

    it('goes through every recently liked post, batch by batch', async () => {
      const t = setup(memory);
      const postIds = Array.from({ length: RECONCILE_BATCH + 5 }, () => t.posts.add('1'));
      for (const postId of postIds) await t.service.like({ userId: '10', postId });
      for (const postId of postIds) await memory.set(likeCountKey(postId), '3');
      await expect(t.service.reconcile({})).resolves.toEqual({
        checked: String(postIds.length),
        drifted: String(postIds.length),
        drift: String(2 * postIds.length),
      });
    });

    it('is unavailable while the counters cannot be read, and reports why', async () => {
      const t = setup(unavailableCache());
      const postId = t.posts.add('1');
      await t.service.like({ userId: '10', postId });
      t.cacheErrors.length = 0;
      expect((await rejection(t.service.reconcile({}))).kind).toBe('unavailable');
      expect(t.cacheErrors).toHaveLength(1);
    });
  });
});
