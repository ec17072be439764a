import type { EventEnvelope } from '../../platform/events/events.port.js';
import { compareIds } from '../../platform/ids/snowflake.js';
import type { LikeCreatedPayload, LikeRemovedPayload } from './like.events.js';
import type { LikeAction } from './like.tables.js';
import type { LikerRecord, LikersCursor, LikesRepository, NewLike } from './likes.repository.js';

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
