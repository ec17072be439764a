import {
  PostStatus,
  type GetPostRequest,
  type Post,
  type PostService,
} from '../../generated/glimpse/post/v1/post.js';
import { DomainError } from '../../platform/errors.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import { compareIds } from '../../platform/ids/snowflake.js';
import type { LikeCreatedPayload, LikeRemovedPayload } from './like.events.js';
import type { LikeAction } from './like.tables.js';
import type { LikerRecord, LikersCursor, LikesRepository, NewLike } from './likes.repository.js';

/** A post service answering getPost as the real one does for a viewer who is not the author. */
export class FakePostService implements Pick<PostService, 'getPost'> {
  /** The post ids of every getPost call, in order. */
  readonly calls: string[] = [];
  private readonly posts = new Map<string, { post: Post; deleted: boolean }>();
  private lastId = 800_000;

  /** A post of `authorId` in `status`; returns its id. */
  add(authorId: string, status: PostStatus = PostStatus.POST_STATUS_PUBLISHED): string {
    const id = String(++this.lastId);
    const now = new Date(0).toISOString();
    this.posts.set(id, {
      deleted: false,
      post: {
        id,
        authorId,
        caption: '',
        mediaIds: [],
        status,
        hashtags: [],
        mentions: [],
        createdAt: now,
        ...(status === PostStatus.POST_STATUS_PUBLISHED && { publishedAt: now }),
      },
    });
    return id;
  }

  delete(postId: string): void {
    const entry = this.posts.get(postId);
    if (entry !== undefined) entry.deleted = true;
  }

  getPost(request: GetPostRequest): Promise<Post> {
    this.calls.push(request.postId);
    const entry = this.posts.get(request.postId);
    const visible =
      entry !== undefined &&
      !entry.deleted &&
      (entry.post.status === PostStatus.POST_STATUS_PUBLISHED || entry.post.authorId === request.viewerId);
    if (!visible) return Promise.reject(DomainError.notFound('Post not found'));
    return Promise.resolve(structuredClone(entry.post));
  }
}

export interface LikeHistoryEntry {
  id: string;
  userId: string;
  postId: string;
  action: LikeAction;
  createdAt: Date;
}

/** The repository's contract in memory, for unit tests of the service's decisions. */
export class InMemoryLikesRepository implements LikesRepository {
  /** Every event appended, in order (the outbox). */
  readonly outbox: EventEnvelope[] = [];
  /** Every like and unlike recorded, in order (likes.like_events). */
  readonly history: LikeHistoryEntry[] = [];
  /** The post ids of every countLikes call, in order: one entry is one SQL round trip. */
  readonly countCalls: string[][] = [];
  /** `${userId}:${postId}` -> the like */
  private readonly likes = new Map<string, NewLike>();

  like(like: NewLike, eventFor: () => EventEnvelope<LikeCreatedPayload>): Promise<boolean> {
    const key = `${like.userId}:${like.postId}`;
    if (this.likes.has(key)) return Promise.resolve(false);
    this.likes.set(key, { ...like });
    this.record(eventFor(), 'like', like.createdAt);
    return Promise.resolve(true);
  }

  unlike(
    userId: string,
    postId: string,
    removedAt: Date,
    eventFor: () => EventEnvelope<LikeRemovedPayload>,
  ): Promise<boolean> {
    if (!this.likes.delete(`${userId}:${postId}`)) return Promise.resolve(false);
    this.record(eventFor(), 'unlike', removedAt);
    return Promise.resolve(true);
  }

  countLikes(postIds: readonly string[]): Promise<Map<string, number>> {
    this.countCalls.push([...postIds]);
    const wanted = new Set(postIds);
    const counts = new Map<string, number>();
    for (const { postId } of this.likes.values()) {
      if (wanted.has(postId)) counts.set(postId, (counts.get(postId) ?? 0) + 1);
    }
    return Promise.resolve(counts);
  }

  likedBy(userId: string, postIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(postIds.filter((postId) => this.likes.has(`${userId}:${postId}`))));
  }

  listLikers(postId: string, after: LikersCursor | undefined, limit: number): Promise<LikerRecord[]> {
    const rows = [...this.likes.values()]
      .filter((like) => like.postId === postId)
      .map((like) => ({ userId: like.userId, createdAt: like.createdAt }))
      .sort(newestFirst)
      .filter((row) => after === undefined || newestFirst(row, after) > 0)
      .slice(0, limit);
    return Promise.resolve(rows);
  }

  recentlyLikedPosts(since: Date, afterPostId: string | undefined, limit: number): Promise<string[]> {
    const posts = new Set(
      this.history.filter((entry) => entry.createdAt >= since).map((entry) => entry.postId),
    );
    return Promise.resolve(
      [...posts]
        .filter((postId) => afterPostId === undefined || compareIds(postId, afterPostId) > 0)
        .sort(compareIds)
        .slice(0, limit),
    );
  }

  private record(
    event: EventEnvelope<LikeCreatedPayload | LikeRemovedPayload>,
    action: LikeAction,
    createdAt: Date,
  ): void {
    this.outbox.push(event);
    const { userId, postId } = event.payload;
    this.history.push({ id: event.id, userId, postId, action, createdAt });
  }
}

/** The likers' order: newest first, ties by user id, descending. */
function newestFirst(a: LikersCursor, b: LikersCursor): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || compareIds(b.userId, a.userId);
}
