import { z } from 'zod';

import {
  FeedSource,
  type FeedPage,
  type FeedService,
  type GetExploreRequest,
  type GetFeedRequest,
} from '../../generated/glimpse/feed/v1/feed.js';
import type { Post, PostService } from '../../generated/glimpse/post/v1/post.js';
import type { Followee, UserService } from '../../generated/glimpse/user/v1/user.js';
import type { Cache, ScoredMember } from '../../platform/cache/cache.port.js';
import { DomainError, isDomainError } from '../../platform/errors.js';
import { isId } from '../../platform/ids/snowflake.js';
import { clampLimit, decodeCursor, encodeCursor } from '../../platform/pagination/cursor.js';
import type { CircuitBreaker } from '../../platform/resilience/circuit-breaker.js';
import type { ExploreRanking } from './explore.ranking.js';
import { authorPostsKey, byIdDesc, feedKey, isOlderThan, SCORE_SLACK, scoreOf } from './feed.keys.js';
import type { FeedSettings } from './feed.settings.js';

export type FeedCache = Pick<
  Cache,
  'exists' | 'expire' | 'zRangeByScoreDescMany' | 'zAddReplacing' | 'zRemFromMany'
>;

export interface FeedObserver {
  /** A read answered from PostgreSQL because Redis was unavailable. */
  fallback(): void;
  /** A missing feed rebuilt from PostgreSQL. */
  rebuilt(): void;
}

export interface FeedServiceDeps {
  cache: FeedCache;
  /** Guards the cache: once Redis fails, reads go straight to PostgreSQL until a trial succeeds. */
  cacheBreaker: CircuitBreaker;
  users: Pick<UserService, 'listFollowingIds'>;
  posts: Pick<PostService, 'listRecentByAuthors' | 'getPosts'>;
  explore: ExploreRanking;
  settings: FeedSettings;
  observer?: FeedObserver;
  onCacheError?: (err: unknown) => void;
}

const feedCursor = z.object({ id: z.string().refine(isId) });

interface Skeleton {
  ids: string[];
  /** The oldest id considered, when more may follow. */
  nextCursorId: string | undefined;
  source: FeedSource;
}

/**
 * The read half of hybrid fanout (the `feed` role). One pipeline per read: the skeleton (post
 * ids from the reader's Redis feed merged with the recent posts of followed celebrities, cut
 * at the cursor), then one batched load of the posts. Never empty, never down: a missing feed
 * is rebuilt from PostgreSQL by the read that misses it, and with Redis unavailable the
 * skeleton comes from PostgreSQL's pull query, in the same order and with the same cursors.
 */
export class FeedServiceImpl implements FeedService {
  constructor(private readonly deps: FeedServiceDeps) {}

  async getFeed(request: GetFeedRequest): Promise<FeedPage> {
    if (!isId(request.userId))
      throw DomainError.invalid('Invalid user', [{ path: 'userId', message: 'must be a user id' }]);
    const limit = clampLimit(request.limit);
    const cursorId = request.cursor ? decodeCursor(request.cursor, feedCursor).id : undefined;
    const followees = (await this.deps.users.listFollowingIds({ userId: request.userId })).items;

    let skeleton: Skeleton;
    try {
      skeleton = await this.fromCache(request.userId, followees, cursorId, limit);
    } catch (err) {
      if (!(err instanceof CacheUnavailable)) throw err;
      this.deps.observer?.fallback();
      skeleton = await this.fromDatabase(request.userId, followees, cursorId, limit);
    }

    const posts = await this.load(skeleton.ids, request.userId);
    if (skeleton.source !== FeedSource.FEED_SOURCE_DATABASE)
      this.forgetMissing(request.userId, skeleton.ids, posts);
    return {
      posts,
      source: skeleton.source,
      ...(skeleton.nextCursorId !== undefined && { nextCursor: encodeCursor({ id: skeleton.nextCursorId }) }),
    };
  }

  async getExplore(request: GetExploreRequest): Promise<FeedPage> {
    const limit = clampLimit(request.limit);
    const page = await this.deps.explore.page(request.cursor, limit);
    const posts = await this.load(page.ids, request.viewerId);
    return {
      posts,
      source: FeedSource.FEED_SOURCE_CACHE,
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  private async fromCache(
    userId: string,
    followees: readonly Followee[],
    cursorId: string | undefined,
    limit: number,
  ): Promise<Skeleton> {
    const { cache, settings } = this.deps;
    const key = feedKey(userId);
    const celebrities = followees.filter((f) => this.isCelebrity(f)).map((f) => f.userId);
    const range = { ...(cursorId !== undefined && { max: scoreOf(cursorId) }), limit: limit + SCORE_SLACK };
    // One round trip each, side by side: does the feed exist, and the feed with the
    // celebrities' recent posts.
    const [exists, [own = [], ...celebrityLists]] = await Promise.all([
      this.cached(() => cache.exists(key)),
      this.cached(() => cache.zRangeByScoreDescMany([key, ...celebrities.map(authorPostsKey)], range)),
    ]);

    let entries = own;
    let source = FeedSource.FEED_SOURCE_CACHE;
    if (exists) {
      void cache.expire(key, settings.feedIdleTtlMs).catch((err: unknown) => this.deps.onCacheError?.(err));
    } else {
      entries = await this.rebuild(userId, followees);
      source = FeedSource.FEED_SOURCE_REBUILT;
      this.deps.observer?.rebuilt();
    }

    // A celebrity whose recent posts are not in Redis (evicted, or never posted since the
    // list was last built) is read from PostgreSQL for this page.
    const missing = celebrities.filter((_, index) => (celebrityLists[index] ?? []).length === 0);
    const pulled = missing.length === 0 ? [] : await this.pull(missing, cursorId, limit);

    const candidates = [...entries, ...celebrityLists.flat()].map((entry) => entry.member);
    return this.cut([...candidates, ...pulled], cursorId, limit, source);
  }

  /** The pull query, for every author the reader sees, in the same order and cursor space. */
  private async fromDatabase(
    userId: string,
    followees: readonly Followee[],
    cursorId: string | undefined,
    limit: number,
  ): Promise<Skeleton> {
    const ids = await this.pull([userId, ...followees.map((f) => f.userId)], cursorId, limit + 1);
    return this.cut(ids, cursorId, limit, FeedSource.FEED_SOURCE_DATABASE);
  }

  /** Rebuilds a missing feed from PostgreSQL and returns its entries (celebrities excluded). */
  private async rebuild(userId: string, followees: readonly Followee[]): Promise<ScoredMember[]> {
    const { settings } = this.deps;
    const authors = [userId, ...followees.filter((f) => !this.isCelebrity(f)).map((f) => f.userId)];
    const ids = await this.pull(authors, undefined, Math.min(settings.feedMaxItems, 1000));
    const entries = ids.map((id) => ({ member: id, score: scoreOf(id) }));
    await this.cached(() =>
      this.deps.cache.zAddReplacing(feedKey(userId), entries, {
        ttlMs: settings.feedIdleTtlMs,
        keepHighest: settings.feedMaxItems,
      }),
    );
    return entries;
  }

  private async pull(
    authorIds: readonly string[],
    beforeId: string | undefined,
    limit: number,
  ): Promise<string[]> {
    if (authorIds.length === 0) return [];
    const { items } = await this.deps.posts.listRecentByAuthors({
      authorIds: [...authorIds],
      limit: Math.min(limit, 1000),
      ...(beforeId !== undefined && { beforeId }),
    });
    return items.map((item) => item.postId);
  }

  /** Newest first, strictly older than the cursor, without duplicates; one more tells "more". */
  private cut(
    ids: readonly string[],
    cursorId: string | undefined,
    limit: number,
    source: FeedSource,
  ): Skeleton {
    const ordered = [...new Set(ids)].filter((id) => isOlderThan(id, cursorId)).sort(byIdDesc);
    const page = ordered.slice(0, limit);
    const more = ordered.length > limit;
    return { ids: page, nextCursorId: more ? page.at(-1) : undefined, source };
  }

  private async load(ids: readonly string[], viewerId: string | undefined): Promise<Post[]> {
    if (ids.length === 0) return [];
    const { items } = await this.deps.posts.getPosts({
      postIds: [...ids],
      ...(viewerId !== undefined && { viewerId }),
    });
    // Published posts only: a viewer's own pending post is not part of a feed.
    return items.filter((post) => post.publishedAt !== undefined);
  }

  /** Posts that no longer load (deleted) leave the feed, so the next read need not skip them. */
  private forgetMissing(userId: string, ids: readonly string[], posts: readonly Post[]): void {
    const found = new Set(posts.map((post) => post.id));
    const gone = ids.filter((id) => !found.has(id));
    if (gone.length === 0) return;
    void this.deps.cache
      .zRemFromMany([feedKey(userId)], gone)
      .catch((err: unknown) => this.deps.onCacheError?.(err));
  }

  /**
   * A cache call behind the breaker: any failure (or the breaker being open) becomes
   * CacheUnavailable, which sends the read to PostgreSQL. Database failures are not caught.
   */
  private async cached<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.deps.cacheBreaker.run(call);
    } catch (err) {
      if (!isDomainError(err) || err.kind !== 'unavailable') this.deps.onCacheError?.(err);
      throw new CacheUnavailable(err);
    }
  }

  private isCelebrity(followee: Followee): boolean {
    return Number(followee.followerCount) > this.deps.settings.fanoutFollowerThreshold;
  }
}

class CacheUnavailable extends Error {
  override readonly name = 'CacheUnavailable';

  constructor(cause: unknown) {
    super('The feed cache is unavailable', { cause });
  }
}
