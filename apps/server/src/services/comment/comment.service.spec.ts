import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { PostStatus } from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { IdGenerator, idAtTime, idTimestamp } from '../../platform/ids/snowflake.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination/cursor.js';
import { rejection } from '../../testing/rejection.js';
import { FakePostService, recordingCache, unavailableCache } from '../post/post.testing.js';
import { commentCountKey } from './comment.keys.js';
import { COMMENT_CREATED, COMMENT_DELETED } from './comment.events.js';
import { CommentCounterReconciler } from './comment.reconciler.js';
import {
  COMMENT_COUNT_TTL_MS,
  commentsNotBefore,
  CLOCK_SKEW_ALLOWANCE_MS,
  MAX_COUNT_POSTS,
} from './comment.rules.js';
import { CommentServiceImpl } from './comment.service.js';
import { InMemoryCommentsRepository } from './comment.testing.js';

const START = Date.parse('2026-06-01T12:00:00.000Z');
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function setup(options: { cache?: Cache } = {}) {
  let clock = START;
  const ids = new IdGenerator(1, () => clock);
  const comments = new InMemoryCommentsRepository();
  // Snowflake ids: the comment partitions read the post's time from its id.
  const posts = new FakePostService(ids);
  const memory = new MemoryCache();
  const recorded = recordingCache(options.cache ?? memory);
  const cacheErrors: Error[] = [];
  const service = new CommentServiceImpl({
    comments,
    posts,
    cache: recorded.cache,
    ids,
    now: () => new Date(clock),
    traceparent: () => TRACEPARENT,
    onCacheError: (err) => cacheErrors.push(err),
  });
  const [alice, bob, carol] = [ids.next(), ids.next(), ids.next()];
  const postId = posts.add(alice);
  return {
    service,
    comments,
    posts,
    ids,
    cache: memory,
    cacheCalls: recorded.calls,
    cacheErrors,
    users: { alice, bob, carol },
    postId,
    /** Moves the clock (ids and now) forward. */
    advance: (ms: number) => (clock += ms),
  };
}

describe('CommentServiceImpl.createComment', () => {
  it('stores the body exactly, dates the comment by its id and announces it with the post author', async () => {
    const { service, comments, users, postId } = setup();
    const body = 'Beautiful 📸👩🏽‍🚀 cafe\u0301\n\tvs café';
    const result = await service.createComment({ postId, authorId: users.bob, body });

    const comment = result.comment;
    expect(comment).toMatchObject({ postId, authorId: users.bob, body });
    expect(comment?.createdAt).toBe(idTimestamp(comment?.id ?? '').toISOString());
    expect(result.commentCount).toBe('1');
    expect(comments.outbox).toEqual([
      {
        id: expect.any(String) as unknown,
        type: COMMENT_CREATED,
        key: postId,
        occurredAt: comment?.createdAt,
        traceparent: TRACEPARENT,
        payload: {
          commentId: comment?.id,
          postId,
          postAuthorId: users.alice,
          authorId: users.bob,
          body,
          createdAt: comment?.createdAt,
        },
      },
    ]);
  });

  it('counts from PostgreSQL once, when the counter is missing, then moves the counter', async () => {
    const { service, comments, cache, users, postId } = setup();
    expect((await service.createComment({ postId, authorId: users.bob, body: 'one' })).commentCount).toBe(
      '1',
    );
    expect(comments.countCalls).toEqual([[postId]]);
    expect(await cache.get(commentCountKey(postId))).toBe('1');
    const ttl = await cache.ttl(commentCountKey(postId));
    expect(ttl).toBeGreaterThan(COMMENT_COUNT_TTL_MS - 60_000);

    expect((await service.createComment({ postId, authorId: users.carol, body: 'two' })).commentCount).toBe(
      '2',
    );
    expect(comments.countCalls).toHaveLength(1);
    expect(await cache.get(commentCountKey(postId))).toBe('2');
  });

  it('accepts 2200 code points, refuses 2201, empty and blank bodies and control characters, writing nothing', async () => {
    const { service, comments, users, postId } = setup();
    await expect(
      service.createComment({ postId, authorId: users.bob, body: '🙂'.repeat(2200) }),
    ).resolves.toBeDefined();

    const cases: [string, string][] = [
      ['🙂'.repeat(2201), 'must be at most 2200 characters'],
      ['', 'must not be empty'],
      [' \n\t ', 'must not be empty'],
      ['nul\u0000', 'must not contain control characters'],
      ['bell\u0007', 'must not contain control characters'],
      ['half \ud83d', 'must be valid Unicode text'],
    ];
    for (const [body, message] of cases) {
      const err = await rejection(service.createComment({ postId, authorId: users.bob, body }));
      expect(err.kind).toBe('invalid');
      expect(err.errors).toEqual([{ path: 'body', message }]);
    }
    const badAuthor = await rejection(service.createComment({ postId, authorId: 'x', body: 'hi' }));
    expect(badAuthor.errors).toEqual([{ path: 'authorId', message: 'must be a user id' }]);
    expect(comments.outbox).toHaveLength(1);
  });

  it('refuses unknown, unpublished and malformed posts with NOT_FOUND', async () => {
    const { service, posts, ids, comments, users } = setup();
    const pending = posts.add(users.alice, PostStatus.POST_STATUS_PENDING);
    for (const postId of [ids.next(), pending, 'abc', '0']) {
      expect((await rejection(service.createComment({ postId, authorId: users.bob, body: 'hi' }))).kind).toBe(
        'not_found',
      );
    }
    expect(comments.outbox).toEqual([]);
  });

  it('answers from PostgreSQL and reports when the cache fails', async () => {
    const { service, comments, cacheErrors, users, postId } = setup({ cache: unavailableCache() });
    await service.createComment({ postId, authorId: users.bob, body: 'one' });
    const second = await service.createComment({ postId, authorId: users.carol, body: 'two' });
    expect(second.commentCount).toBe('2');
    expect(comments.outbox).toHaveLength(2);
    expect(cacheErrors.length).toBeGreaterThan(0);
    expect(cacheErrors[0]?.message).toBe('Connection is closed.');
  });
});

describe('CommentServiceImpl.listComments', () => {
  const cursor = z.object({ id: z.string() });

  it('pages oldest first, leaving deleted comments out', async () => {
    const { service, users, postId, advance } = setup();
    const made: string[] = [];
    for (const body of ['a', 'b', 'c', 'd', 'e']) {
      advance(1000);
      made.push((await service.createComment({ postId, authorId: users.bob, body })).comment?.id ?? '');
    }
    await service.deleteComment({ commentId: made[1] ?? '', userId: users.bob });

    const first = await service.listComments({ postId, limit: 2 });
    expect(first.items.map((c) => c.body)).toEqual(['a', 'c']);
    expect(decodeCursor(first.nextCursor ?? '', cursor)).toEqual({ id: made[2] });
    const second = await service.listComments({ postId, limit: 2, cursor: first.nextCursor });
    expect(second.items.map((c) => c.body)).toEqual(['d', 'e']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses a foreign cursor and an invisible post', async () => {
    const { service, posts, users, postId } = setup();
    expect((await rejection(service.listComments({ postId, limit: 2, cursor: 'nope!' }))).kind).toBe(
      'malformed',
    );
    const forged = encodeCursor({ id: '99999999999999999999' });
    expect((await rejection(service.listComments({ postId, limit: 2, cursor: forged }))).kind).toBe(
      'malformed',
    );
    posts.delete(postId);
    expect((await rejection(service.listComments({ postId, limit: 2 }))).kind).toBe('not_found');
    expect((await rejection(service.listComments({ postId: users.bob, limit: 2 }))).kind).toBe('not_found');
  });
});

describe('commentsNotBefore', () => {
  it('is the later of the post time less the clock skew allowance and the cursor time', () => {
    const post = '1000000000000000000';
    const postTime = idTimestamp(post).getTime();
    expect(commentsNotBefore(post, undefined).getTime()).toBe(postTime - CLOCK_SKEW_ALLOWANCE_MS);
    expect(commentsNotBefore(post, '1000000000000000001').getTime()).toBe(postTime);
    // A cursor older than the post (a comment from a clock far behind) does not lower the bound.
    const older = idAtTime(new Date(postTime - 2 * CLOCK_SKEW_ALLOWANCE_MS));
    expect(commentsNotBefore(post, older).getTime()).toBe(postTime - CLOCK_SKEW_ALLOWANCE_MS);
  });
});

describe('CommentServiceImpl.deleteComment', () => {
  it("lets the comment's author and the post's author delete, each change announced and counted once", async () => {
    const { service, comments, cache, users, postId, advance } = setup();
    const byBob = await service.createComment({ postId, authorId: users.bob, body: 'bob' });
    const byCarol = await service.createComment({ postId, authorId: users.carol, body: 'carol' });
    expect(await cache.get(commentCountKey(postId))).toBe('2');

    advance(5000);
    await service.deleteComment({ commentId: byBob.comment?.id ?? '', userId: users.bob });
    await service.deleteComment({ commentId: byCarol.comment?.id ?? '', userId: users.alice });
    // Twice, by either: succeeds, changes nothing.
    await service.deleteComment({ commentId: byBob.comment?.id ?? '', userId: users.alice });
    await service.deleteComment({ commentId: byBob.comment?.id ?? '', userId: users.bob });

    expect(await cache.get(commentCountKey(postId))).toBe('0');
    const deleted = comments.outbox.filter((event) => event.type === COMMENT_DELETED);
    expect(deleted.map((event) => event.payload)).toEqual([
      {
        commentId: byBob.comment?.id,
        postId,
        postAuthorId: users.alice,
        authorId: users.bob,
        deletedAt: new Date(START + 5000).toISOString(),
      },
      {
        commentId: byCarol.comment?.id,
        postId,
        postAuthorId: users.alice,
        authorId: users.carol,
        deletedAt: new Date(START + 5000).toISOString(),
      },
    ]);
    expect(deleted.every((event) => event.key === postId)).toBe(true);
  });

  it('forbids strangers, and to them a deleted or unknown comment does not exist', async () => {
    const { service, ids, users, postId } = setup();
    const stranger = ids.next();
    const { comment } = await service.createComment({ postId, authorId: users.bob, body: 'mine' });
    const commentId = comment?.id ?? '';

    expect((await rejection(service.deleteComment({ commentId, userId: stranger }))).kind).toBe('forbidden');
    await service.deleteComment({ commentId, userId: users.bob });
    expect((await rejection(service.deleteComment({ commentId, userId: stranger }))).kind).toBe('not_found');
    expect((await rejection(service.deleteComment({ commentId: ids.next(), userId: users.bob }))).kind).toBe(
      'not_found',
    );
    expect((await rejection(service.deleteComment({ commentId: 'x', userId: users.bob }))).kind).toBe(
      'not_found',
    );
  });

  it('still deletes when the cache fails, and leaves a missing counter missing', async () => {
    const failing = setup({ cache: unavailableCache() });
    const { comment } = await failing.service.createComment({
      postId: failing.postId,
      authorId: failing.users.bob,
      body: 'x',
    });
    await failing.service.deleteComment({ commentId: comment?.id ?? '', userId: failing.users.bob });
    expect(failing.comments.outbox.map((event) => event.type)).toEqual([COMMENT_CREATED, COMMENT_DELETED]);

    const { service, cache, users, postId } = setup();
    const made = await service.createComment({ postId, authorId: users.bob, body: 'x' });
    await cache.del(commentCountKey(postId));
    await service.deleteComment({ commentId: made.comment?.id ?? '', userId: users.bob });
    expect(await cache.get(commentCountKey(postId))).toBeNull();
  });
});

describe('CommentServiceImpl.getCommentCounts', () => {
  it('reads every counter in one call and rebuilds the missing ones with one grouped COUNT, in request order', async () => {
    const { service, comments, cache, cacheCalls, posts, users, postId } = setup();
    const other = posts.add(users.bob);
    const silent = posts.add(users.bob);
    await service.createComment({ postId, authorId: users.bob, body: '1' });
    await service.createComment({ postId: other, authorId: users.alice, body: '2' });
    await service.createComment({ postId: other, authorId: users.alice, body: '3' });
    await cache.del(commentCountKey(other));
    await cache.set(commentCountKey(postId), '-3');
    comments.countCalls.length = 0;
    cacheCalls.length = 0;

    const { items } = await service.getCommentCounts({ postIds: [other, postId, 'bad', silent, other] });

    expect(items).toEqual([
      { postId: other, commentCount: '2' },
      // A counter that drifted below zero shows 0 until reconciled.
      { postId, commentCount: '0' },
      { postId: 'bad', commentCount: '0' },
      { postId: silent, commentCount: '0' },
      { postId: other, commentCount: '2' },
    ]);
    expect(cacheCalls.filter((call) => call === 'getMany')).toHaveLength(1);
    expect(comments.countCalls).toEqual([[other, silent]]);
    expect(await cache.get(commentCountKey(other))).toBe('2');
    expect(await cache.get(commentCountKey(silent))).toBe('0');
  });

  it('counts everything in PostgreSQL when the cache fails, and refuses more than 1000 posts', async () => {
    const { service, comments, cacheErrors, users, postId } = setup({ cache: unavailableCache() });
    await service.createComment({ postId, authorId: users.bob, body: '1' });
    comments.countCalls.length = 0;
    expect((await service.getCommentCounts({ postIds: [postId] })).items).toEqual([
      { postId, commentCount: '1' },
    ]);
    expect(comments.countCalls).toEqual([[postId]]);
    expect(cacheErrors.length).toBeGreaterThan(0);

    const tooMany = Array.from({ length: MAX_COUNT_POSTS + 1 }, (_, i) => String(i + 1));
    expect((await rejection(service.getCommentCounts({ postIds: tooMany }))).kind).toBe('invalid');
    await expect(service.getCommentCounts({ postIds: tooMany.slice(1) })).resolves.toBeDefined();
  });
});

describe('CommentServiceImpl.reconcile', () => {
  it('repairs the drifted counters of posts commented on recently, leaving missing ones alone', async () => {
    const { service, cache, posts, users, postId, advance } = setup();
    const old = posts.add(users.bob);
    const missing = posts.add(users.bob);
    const healthy = posts.add(users.bob);
    await service.createComment({ postId: old, authorId: users.alice, body: 'long ago' });
    advance(2 * 24 * 3600 * 1000);
    for (const target of [postId, postId, missing, healthy]) {
      await service.createComment({ postId: target, authorId: users.carol, body: 'recent' });
    }
    await cache.set(commentCountKey(postId), '7');
    await cache.set(commentCountKey(old), '9');
    await cache.del(commentCountKey(missing));

    expect(await service.reconcile({})).toEqual({ checked: '2', drifted: '1', drift: '5' });
    expect(await cache.get(commentCountKey(postId))).toBe('2');
    // Outside the window: not looked at.
    expect(await cache.get(commentCountKey(old))).toBe('9');
    expect(await cache.get(commentCountKey(missing))).toBeNull();
    expect(await service.reconcile({})).toEqual({ checked: '2', drifted: '0', drift: '0' });
  });

  it('overwrites a counter that is not a number, and finds recent deletes too', async () => {
    const { service, cache, users, postId, advance } = setup();
    const { comment } = await service.createComment({ postId, authorId: users.bob, body: 'x' });
    await service.createComment({ postId, authorId: users.bob, body: 'y' });
    advance(2 * 24 * 3600 * 1000);
    await service.deleteComment({ commentId: comment?.id ?? '', userId: users.bob });
    await cache.set(commentCountKey(postId), 'garbage');

    expect(await service.reconcile({})).toEqual({ checked: '1', drifted: '1', drift: '1' });
    expect(await cache.get(commentCountKey(postId))).toBe('1');
  });

  it('fails as unavailable when the cache fails', async () => {
    const { service, users, postId } = setup({ cache: unavailableCache() });
    await service.createComment({ postId, authorId: users.bob, body: 'x' });
    expect((await rejection(service.reconcile({}))).kind).toBe('unavailable');
  });
});

describe('CommentCounterReconciler', () => {
  it('reconciles at once and on every interval, telling the observer the drift, and survives failures', async () => {
    const drifts: number[] = [];
    const errors: unknown[] = [];
    let calls = 0;
    let third: () => void = () => undefined;
    const thirdCall = new Promise<void>((resolve) => (third = resolve));
    const reconciler = new CommentCounterReconciler({
      comments: {
        reconcile: () => {
          calls++;
          if (calls === 3) third();
          return calls === 2
            ? Promise.reject(new Error('redis down'))
            : Promise.resolve({ checked: '4', drifted: '1', drift: String(calls) });
        },
      },
      intervalMs: 1,
      observer: { drift: (n) => drifts.push(n) },
      onError: (err) => errors.push(err),
    });

    reconciler.start();
    await thirdCall;
    await reconciler.stop();

    expect(drifts.slice(0, 2)).toEqual([1, 3]);
    expect(errors).toEqual([new Error('redis down')]);
  });

  it('has run once by the time stop() resolves', async () => {
    const { service, cache, users, postId } = setup();
    await service.createComment({ postId, authorId: users.bob, body: 'x' });
    await cache.set(commentCountKey(postId), '3');
    const drifts: number[] = [];
    const reconciler = new CommentCounterReconciler({
      comments: service,
      observer: { drift: (n) => drifts.push(n) },
    });
    reconciler.start();
    await reconciler.stop();
    expect(drifts).toEqual([2]);
    expect(await cache.get(commentCountKey(postId))).toBe('1');
  });
});
