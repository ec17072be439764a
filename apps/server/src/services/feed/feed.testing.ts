import type { Post, PostRef, PostService } from '../../generated/glimpse/post/v1/post.js';
import { PostStatus } from '../../generated/glimpse/post/v1/post.js';
import type { Followee, UserService } from '../../generated/glimpse/user/v1/user.js';
import { encodeCursor } from '../../platform/pagination/cursor.js';
import { byIdDesc, isOlderThan } from './feed.keys.js';

/**
 * A small social graph and its posts, in memory, answering the post and user contracts the
 * feed and the fanout use, with the real services' semantics (newest first, deleted and
 * unpublished posts left out).
 */
export class FeedWorld
  implements
    Pick<PostService, 'listRecentByAuthors' | 'getPosts' | 'listRecentPublished'>,
    Pick<UserService, 'listFollowingIds' | 'listFollowerIds' | 'getProfile'>
{
  readonly posts = new Map<string, { authorId: string; deleted: boolean }>();
  private readonly follows: Array<{ followerId: string; followeeId: string }> = [];
  calls = { listRecentByAuthors: 0, getPosts: 0 };

  follow(followerId: string, followeeId: string): void {
    this.follows.push({ followerId, followeeId });
  }

  unfollow(followerId: string, followeeId: string): void {
    const index = this.follows.findIndex((f) => f.followerId === followerId && f.followeeId === followeeId);
    if (index >= 0) this.follows.splice(index, 1);
  }

  post(id: string, authorId: string): string {
    this.posts.set(id, { authorId, deleted: false });
    return id;
  }

  delete(id: string): void {
    const post = this.posts.get(id);
    if (post) post.deleted = true;
  }

  followersOf(userId: string): string[] {
    return this.follows.filter((f) => f.followeeId === userId).map((f) => f.followerId);
  }

  listFollowingIds({ userId }: { userId: string }) {
    const items: Followee[] = this.follows
      .filter((f) => f.followerId === userId)
      .map((f) => ({ userId: f.followeeId, followerCount: String(this.followersOf(f.followeeId).length) }));
    return Promise.resolve({ items });
  }

  listFollowerIds({ userId, limit, cursor }: { userId: string; limit: number; cursor?: string | undefined }) {
    const all = this.followersOf(userId);
    const start = cursor === undefined ? 0 : Number(cursor);
    const userIds = all.slice(start, start + limit);
    const next = start + limit;
    return Promise.resolve({ userIds, ...(next < all.length && { nextCursor: String(next) }) });
  }

  getProfile(request: Parameters<UserService['getProfile']>[0]) {
    const userId = request.by?.value ?? '';
    return Promise.resolve({
      id: userId,
      username: `u${userId}`,
      displayName: `U ${userId}`,
      bio: '',
      followerCount: String(this.followersOf(userId).length),
      followingCount: '0',
      postCount: '0',
      createdAt: new Date(0).toISOString(),
    });
  }

  listRecentByAuthors({
    authorIds,
    beforeId,
    limit,
  }: {
    authorIds: string[];
    beforeId?: string | undefined;
    limit: number;
  }) {
    this.calls.listRecentByAuthors += 1;
    const items: PostRef[] = [...this.posts.entries()]
      .filter(([id, post]) => !post.deleted && authorIds.includes(post.authorId) && isOlderThan(id, beforeId))
      .map(([id, post]) => ({ postId: id, authorId: post.authorId }))
      .sort((a, b) => byIdDesc(a.postId, b.postId))
      .slice(0, limit);
    return Promise.resolve({ items });
  }

  listRecentPublished({ limit }: { since: string; limit: number }) {
    return this.listRecentByAuthors({
      authorIds: [...new Set([...this.posts.values()].map((p) => p.authorId))],
      limit,
    });
  }

  getPosts({ postIds }: { postIds: string[]; viewerId?: string | undefined }) {
    this.calls.getPosts += 1;
    const items: Post[] = postIds.flatMap((id) => {
      const post = this.posts.get(id);
      if (!post || post.deleted) return [];
      return [
        {
          id,
          authorId: post.authorId,
          caption: '',
          mediaIds: [],
          status: PostStatus.POST_STATUS_PUBLISHED,
          hashtags: [],
          mentions: [],
          createdAt: new Date(0).toISOString(),
          publishedAt: new Date(0).toISOString(),
        },
      ];
    });
    return Promise.resolve({ items });
  }
}

/** A cursor as the feed makes them, for tests that start in the middle. */
export function feedCursorAt(id: string): string {
  return encodeCursor({ id });
}
