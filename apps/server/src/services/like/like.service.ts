import { z } from 'zod';

import type {
  GetLikeSummariesRequest,
  LikeRequest,
  LikeService,
  LikeState,
  LikeSummaryList,
  LikerPage,
  ListLikersRequest,
  ReconcileRequest,
  ReconcileResult,
} from '../../generated/glimpse/like/v1/like.js';
import { PostStatus, type Post, type PostService } from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { asError, DomainError } from '../../platform/errors.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import { isId } from '../../platform/ids/snowflake.js';
import { clampLimit, decodeCursor, toPage } from '../../platform/pagination/cursor.js';
import type { CounterCheck } from '../../platform/cache/counter.js';
import { LikeCounters } from './like.counters.js';
import {
  LIKE_CREATED,
  LIKE_REMOVED,
  type LikeCreatedPayload,
  type LikeRemovedPayload,
} from './like.events.js';
import { LIKE_COUNT_TTL_MS, MAX_SUMMARY_POSTS, RECONCILE_BATCH, RECONCILE_WINDOW_MS } from './like.rules.js';
import type { LikesRepository } from './likes.repository.js';

export interface LikeServiceDeps {
  likes: LikesRepository;
  /** The post service (in process or over gRPC): a post may be liked once published, until deleted. */
  posts: Pick<PostService, 'getPost'>;
  /** Source of 64-bit time-sortable ids (events). */
  ids: { next(): string };
  now?: () => Date;
  /** The W3C trace context to stamp on events, when tracing is on. */
  traceparent?: () => string | undefined;
  /**
   * Where the counters (`like_count:{postId}`) and liked sets (`user_likes:{userId}`) live;
   * without it every count is a COUNT(*). Optional at run time too: any cache failure falls back
   * to PostgreSQL, and likes still succeed.
   */
  cache?: Cache;
  /** Told of every cache failure the service swallowed (to log it); nothing by default. */
  onCacheError?: (err: Error) => void;
  /** How long a rebuilt counter lives (default LIKE_COUNT_TTL_MS). */
  counterTtlMs?: number;
  /** Reconcile checks the posts liked or unliked this recently (default RECONCILE_WINDOW_MS). */
  reconcileWindowMs?: number;
}

// The cursor's values go into a bigint and a timestamptz comparison: bad ones would be SQL errors.
const likersCursor = z.object({ t: z.iso.datetime(), u: z.string().refine(isId) });

/**
 * Likes: like, unlike, likers, counts for hydration, counter reconciliation. Transport-agnostic:
 * the gateway and gRPC call it alike.
 *
 * A like is the `like_dedup` row, written with its outbox event and its history row in one
 * transaction that locks nothing but that row, so a hot post's likers never wait for each
 * other; retries and double taps insert nothing and announce nothing. The Redis counter and the
 * liked set move after the commit, only when the row changed (see LikeCounters).
 */
export class LikeServiceImpl implements LikeService {
  private readonly likes: LikesRepository;
  private readonly posts: Pick<PostService, 'getPost'>;
  private readonly now: () => Date;
  private readonly events: EventFactory;
  private readonly counters: LikeCounters;
  private readonly onCacheError: (err: Error) => void;
  private readonly reconcileWindowMs: number;

  constructor(deps: LikeServiceDeps) {
    this.likes = deps.likes;
    this.posts = deps.posts;
    this.now = deps.now ?? (() => new Date());
    this.events = new EventFactory(deps.ids, deps.traceparent);
    this.onCacheError = deps.onCacheError ?? (() => undefined);
    this.counters = new LikeCounters(
      deps.cache,
      deps.likes,
      this.onCacheError,
      deps.counterTtlMs ?? LIKE_COUNT_TTL_MS,
    );
    this.reconcileWindowMs = deps.reconcileWindowMs ?? RECONCILE_WINDOW_MS;
  }

  async like(request: LikeRequest): Promise<LikeState> {
    const { userId, postId } = checkLikeRequest(request);
    const post = await this.likeablePost(postId);
    const createdAt = this.now();
    const inserted = await this.likes.like({ userId, postId, createdAt }, () =>
      this.events.create<LikeCreatedPayload>(
        LIKE_CREATED,
        postId,
        { userId, postId, postAuthorId: post.authorId, createdAt: createdAt.toISOString() },
        createdAt,
      ),
    );
    return { liked: true, likeCount: String(await this.countAfter(inserted, userId, postId, 1)) };
  }

  async unlike(request: LikeRequest): Promise<LikeState> {
    const { userId, postId } = checkLikeRequest(request);
    const post = await this.likeablePost(postId);
    const removedAt = this.now();
    const removed = await this.likes.unlike(userId, postId, removedAt, () =>
      this.events.create<LikeRemovedPayload>(
        LIKE_REMOVED,
        postId,
        { userId, postId, postAuthorId: post.authorId, removedAt: removedAt.toISOString() },
        removedAt,
      ),
    );
    return { liked: false, likeCount: String(await this.countAfter(removed, userId, postId, -1)) };
  }

  async listLikers(request: ListLikersRequest): Promise<LikerPage> {
    const limit = clampLimit(request.limit);
    // Decoded first: a bad cursor is the client's error whatever the post.
    const cursor = request.cursor ? decodeCursor(request.cursor, likersCursor) : undefined;
    const after = cursor && { createdAt: new Date(cursor.t), userId: cursor.u };
    await this.likeablePost(request.postId);
    const rows = await this.likes.listLikers(request.postId, after, limit + 1);
    const page = toPage(rows, limit, (last) => ({ t: last.createdAt.toISOString(), u: last.userId }));
    return {
      userIds: page.items.map((row) => row.userId),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  /**
   * Counts from the counters (misses rebuilt in one grouped COUNT). `likedByViewer` comes from
   * PostgreSQL, not from `user_likes:{viewer}`: one probe of the primary key per post in one
   * round trip, run alongside the counter read, and always right, where the set is only a hint
   * (a set evicted and re-created by the next like holds that like alone; writes missed while
   * Redis was down are never replayed), and a wrong heart sends the wrong toggle.
   */
  async getLikeSummaries(request: GetLikeSummariesRequest): Promise<LikeSummaryList> {
    if (request.postIds.length > MAX_SUMMARY_POSTS) {
      throw DomainError.invalid('Invalid query', [
        { path: 'postIds', message: `must hold at most ${MAX_SUMMARY_POSTS} posts` },
      ]);
    }
    // An id that can name no post has no likes: it is answered without a query.
    const postIds = [...new Set(request.postIds.filter(isId))];
    const viewerId = request.viewerId !== undefined && isId(request.viewerId) ? request.viewerId : undefined;
    const [counts, liked] = await Promise.all([
      this.counters.counts(postIds),
      viewerId === undefined ? new Set<string>() : this.likes.likedBy(viewerId, postIds),
    ]);
    return {
      items: request.postIds.map((postId) => ({
        postId,
        likeCount: String(counts.get(postId) ?? 0),
        likedByViewer: liked.has(postId),
      })),
    };
  }

  /**
   * Checks the counters of the posts liked or unliked within the window, in batches, and
   * repairs those that drifted. Posts with no recent activity are not scanned: their counters
   * were built from COUNT(*) with no like to race, and expire (LIKE_COUNT_TTL_MS) in any case.
   */
  async reconcile(_request: ReconcileRequest = {}): Promise<ReconcileResult> {
    const since = new Date(this.now().getTime() - this.reconcileWindowMs);
    const total: CounterCheck = { checked: 0, drifted: 0, drift: 0 };
    let after: string | undefined;
    for (;;) {
      const postIds = await this.likes.recentlyLikedPosts(since, after, RECONCILE_BATCH);
      if (postIds.length === 0) break;
      let check: CounterCheck;
      try {
        check = await this.counters.reconcile(postIds);
      } catch (err) {
        this.onCacheError(asError(err));
        throw DomainError.unavailable('The like counters cannot be read: nothing to reconcile');
      }
      total.checked += check.checked;
      total.drifted += check.drifted;
      total.drift += check.drift;
      if (postIds.length < RECONCILE_BATCH) break;
      after = postIds.at(-1);
    }
    return { checked: String(total.checked), drifted: String(total.drifted), drift: String(total.drift) };
  }

  /** The post, when it may be liked (published, not deleted); NOT_FOUND otherwise. */
  private async likeablePost(postId: string): Promise<Post> {
    if (!isId(postId)) throw DomainError.notFound('Post not found');
    // No viewer: the author's own pending post is not likeable either.
    const post = await this.posts.getPost({ postId });
    if (post.status !== PostStatus.POST_STATUS_PUBLISHED) throw DomainError.notFound('Post not found');
    return post;
  }

  /** The post's like count after a like or unlike, `changed` when it changed the row. */
  private async countAfter(changed: boolean, userId: string, postId: string, delta: 1 | -1): Promise<number> {
    if (changed) {
      const bump = await this.counters.applied(userId, postId, delta);
      switch (bump.outcome) {
        case 'counted':
          return Math.max(0, bump.value);
        case 'missing':
          return (await this.counters.rebuild([postId])).get(postId) ?? 0;
        case 'failed':
          return (await this.counters.fromDatabase([postId])).get(postId) ?? 0;
      }
    }
    return (await this.counters.counts([postId])).get(postId) ?? 0;
  }
}

function checkLikeRequest(request: LikeRequest): LikeRequest {
  if (!isId(request.userId)) {
    throw DomainError.invalid('Invalid like', [{ path: 'userId', message: 'must be a user id' }]);
  }
  return request;
}
