import { z } from 'zod';

import type { PostService } from '../../generated/glimpse/post/v1/post.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import type { Cache, ScoredMember } from '../../platform/cache/cache.port.js';
import { isDomainError } from '../../platform/errors.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import { isId } from '../../platform/ids/snowflake.js';
import { authorPostsKey, feedKey, scoreOf } from './feed.keys.js';
import { AUTHOR_POSTS_KEEP, FANOUT_PAGE_SIZE, FOLLOW_BACKFILL, type FeedSettings } from './feed.settings.js';

export const FANOUT_TOPICS = ['post.published', 'post.deleted', 'follow.created', 'follow.removed'] as const;

export type FanoutCache = Pick<
  Cache,
  'zAdd' | 'zRem' | 'zTrimToHighest' | 'zRangeByScoreDesc' | 'exists' | 'zAddToExisting' | 'zRemFromMany'
>;

export interface FanoutObserver {
  /** Feeds that received a post. */
  delivered(count: number): void;
  /** From publication to the last follower's feed, for a pushed post. */
  lagSeconds(seconds: number): void;
  /** A post of an author above the threshold: merged at read time, pushed to nobody. */
  skippedCelebrity(): void;
}

export interface FanoutWorkerDeps {
  cache: FanoutCache;
  users: Pick<UserService, 'getProfile' | 'listFollowerIds'>;
  posts: Pick<PostService, 'listRecentByAuthors'>;
  settings: FeedSettings;
  observer?: FanoutObserver;
  now?: () => Date;
}

const id = z.string().refine(isId);
const published = z.object({ postId: id, authorId: id, publishedAt: z.string().optional() });
const deleted = z.object({ postId: id, authorId: id });
const follow = z.object({ followerId: id, followeeId: id });

/**
 * The write half of hybrid fanout (the `fanout` role). A published post goes into its author's
 * recent posts and own feed, and, when the author has at most FANOUT_FOLLOWER_THRESHOLD
 * followers, into every follower's feed, a page of followers per pipelined Redis round. Feeds
 * that do not exist (their reader has been idle, or they were evicted) are left alone: they are
 * rebuilt from PostgreSQL when read. Follows backfill, unfollows and deletions remove.
 *
 * Every step is idempotent (adding a member twice, removing a missing one), so redelivered
 * events change nothing. A failure throws and the bus delivers the event again.
 */
export class FanoutWorker {
  private readonly now: () => Date;

  constructor(private readonly deps: FanoutWorkerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  readonly handle = async (event: EventEnvelope): Promise<void> => {
    switch (event.type) {
      case 'post.published': {
        const payload = published.safeParse(event.payload);
        if (payload.success) await this.publish(payload.data);
        return;
      }
      case 'post.deleted': {
        const payload = deleted.safeParse(event.payload);
        if (payload.success) await this.remove(payload.data.postId, payload.data.authorId);
        return;
      }
      case 'follow.created': {
        const payload = follow.safeParse(event.payload);
        if (payload.success) await this.backfill(payload.data.followerId, payload.data.followeeId);
        return;
      }
      case 'follow.removed': {
        const payload = follow.safeParse(event.payload);
        if (payload.success) await this.unfill(payload.data.followerId, payload.data.followeeId);
        return;
      }
      default:
        return;
    }
  };

  async publish(post: {
    postId: string;
    authorId: string;
    publishedAt?: string | undefined;
  }): Promise<number> {
    const { cache, settings } = this.deps;
    const entry: ScoredMember = { member: post.postId, score: scoreOf(post.postId) };
    const recent = authorPostsKey(post.authorId);
    await cache.zAdd(recent, [entry]);
    await cache.zTrimToHighest(recent, AUTHOR_POSTS_KEEP);
    // The author sees their own post at once, whatever their audience.
    let delivered = await cache.zAddToExisting([feedKey(post.authorId)], entry, settings.feedMaxItems);

    if (await this.isCelebrity(post.authorId)) {
      this.deps.observer?.skippedCelebrity();
      return delivered;
    }
    delivered += await this.forEachFollowerPage(post.authorId, (followers) =>
      cache.zAddToExisting(followers.map(feedKey), entry, settings.feedMaxItems),
    );
    this.deps.observer?.delivered(delivered);
    if (post.publishedAt !== undefined) {
      const lag = (this.now().getTime() - Date.parse(post.publishedAt)) / 1000;
      if (Number.isFinite(lag)) this.deps.observer?.lagSeconds(Math.max(0, lag));
    }
    return delivered;
  }

  async remove(postId: string, authorId: string): Promise<void> {
    const { cache } = this.deps;
    await cache.zRem(authorPostsKey(authorId), [postId]);
    await cache.zRemFromMany([feedKey(authorId)], [postId]);
    // A celebrity's post was never pushed; a small audience is cleaned now, and any feed
    // that still holds the post drops it when it is read (hydration finds it deleted).
    if (await this.isCelebrity(authorId)) return;
    await this.forEachFollowerPage(authorId, (followers) =>
      cache.zRemFromMany(followers.map(feedKey), [postId]),
    );
  }

  /** A new follow: the followee's recent posts go into the follower's feed, if it exists. */
  async backfill(followerId: string, followeeId: string): Promise<void> {
    const { cache, settings } = this.deps;
    const feed = feedKey(followerId);
    // A celebrity is merged at read time; a missing feed will be rebuilt with the followee in it.
    if ((await this.isCelebrity(followeeId)) || !(await cache.exists(feed))) return;
    const recent = await this.recentPosts(followeeId, FOLLOW_BACKFILL);
    if (recent.length === 0) return;
    await cache.zAdd(feed, recent);
    await cache.zTrimToHighest(feed, settings.feedMaxItems);
  }

  /** An unfollow: every post of the former followee that a feed can hold leaves it. */
  async unfill(followerId: string, followeeId: string): Promise<void> {
    const { cache, settings } = this.deps;
    const feed = feedKey(followerId);
    if (!(await cache.exists(feed))) return;
    const { items } = await this.deps.posts.listRecentByAuthors({
      authorIds: [followeeId],
      limit: Math.min(settings.feedMaxItems, 1000),
    });
    if (items.length > 0)
      await cache.zRem(
        feed,
        items.map((item) => item.postId),
      );
  }

  /** A user gone since the event was written has no audience left to reach: like a celebrity, nobody is pushed to. */
  private async isCelebrity(userId: string): Promise<boolean> {
    try {
      const profile = await this.deps.users.getProfile({ by: { $case: 'userId', value: userId } });
      return Number(profile.followerCount) > this.deps.settings.fanoutFollowerThreshold;
    } catch (err) {
      if (isDomainError(err) && err.kind === 'not_found') return true;
      throw err;
    }
  }

  private async recentPosts(authorId: string, limit: number): Promise<ScoredMember[]> {
    const cached = await this.deps.cache.zRangeByScoreDesc(authorPostsKey(authorId), { limit });
    if (cached.length > 0) return cached;
    const { items } = await this.deps.posts.listRecentByAuthors({ authorIds: [authorId], limit });
    return items.map((item) => ({ member: item.postId, score: scoreOf(item.postId) }));
  }

  private async forEachFollowerPage(
    authorId: string,
    apply: (followerIds: string[]) => Promise<number>,
  ): Promise<number> {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.users.listFollowerIds({
        userId: authorId,
        limit: FANOUT_PAGE_SIZE,
        cursor,
      });
      if (page.userIds.length > 0) total += await apply(page.userIds);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return total;
  }
}
