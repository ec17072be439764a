import type { EventEnvelope } from '../../platform/events/events.port.js';
import { compareIds, ID_EPOCH_MS, idAtTime } from '../../platform/ids/snowflake.js';
import type { CommentCreatedPayload, CommentDeletedPayload } from './comment.events.js';
import type { CommentRecord, CommentRef, CommentsRepository, NewComment } from './comments.repository.js';

interface StoredComment extends NewComment {
  deletedAt: Date | null;
}

/** The repository's contract in memory, for unit tests of the service's decisions. */
export class InMemoryCommentsRepository implements CommentsRepository {
  /** Every event appended, in order (the outbox). */
  readonly outbox: EventEnvelope[] = [];
  /** The post ids of every countLive call, in order: one entry is one SQL round trip. */
  readonly countCalls: string[][] = [];
  private readonly comments = new Map<string, StoredComment>();

  insert(comment: NewComment, event: EventEnvelope<CommentCreatedPayload>): Promise<void> {
    if (this.comments.has(comment.id)) return Promise.reject(new Error(`duplicate comment ${comment.id}`));
    this.comments.set(comment.id, { ...comment, deletedAt: null });
    this.outbox.push(event);
    return Promise.resolve();
  }

  listByPost(
    postId: string,
    afterId: string | undefined,
    notBefore: Date,
    limit: number,
  ): Promise<CommentRecord[]> {
    const rows = [...this.comments.values()]
      .filter((c) => c.postId === postId && c.deletedAt === null && c.createdAt >= notBefore)
      .filter((c) => afterId === undefined || compareIds(c.id, afterId) > 0)
      .sort((a, b) => compareIds(a.id, b.id))
      .slice(0, limit);
    return Promise.resolve(rows.map(record));
  }

  findRef(commentId: string): Promise<CommentRef | undefined> {
    const c = this.comments.get(commentId);
    return Promise.resolve(
      c && {
        id: c.id,
        postId: c.postId,
        postAuthorId: c.postAuthorId,
        authorId: c.authorId,
        createdAt: c.createdAt,
        deleted: c.deletedAt !== null,
      },
    );
  }

  softDelete(
    ref: CommentRef,
    deletedAt: Date,
    event: EventEnvelope<CommentDeletedPayload>,
  ): Promise<boolean> {
    const c = this.comments.get(ref.id);
    if (c === undefined || c.deletedAt !== null) return Promise.resolve(false);
    c.deletedAt = deletedAt;
    this.outbox.push(event);
    return Promise.resolve(true);
  }

  countLive(postIds: readonly string[]): Promise<Map<string, number>> {
    this.countCalls.push([...postIds]);
    const wanted = new Set(postIds);
    const counts = new Map<string, number>();
    for (const c of this.comments.values()) {
      if (wanted.has(c.postId) && c.deletedAt === null) counts.set(c.postId, (counts.get(c.postId) ?? 0) + 1);
    }
    return Promise.resolve(counts);
  }

  recentlyActivePosts(since: Date, limit: number): Promise<string[]> {
    const firstId = since.getTime() <= ID_EPOCH_MS ? '0' : idAtTime(since);
    const last = new Map<string, number>();
    for (const c of this.comments.values()) {
      const times = [
        compareIds(c.id, firstId) >= 0 ? c.createdAt.getTime() : undefined,
        c.deletedAt !== null && c.deletedAt >= since ? c.deletedAt.getTime() : undefined,
      ].filter((time) => time !== undefined);
      if (times.length > 0) last.set(c.postId, Math.max(last.get(c.postId) ?? 0, ...times));
    }
    const ordered = [...last].sort(([a, x], [b, y]) => y - x || compareIds(a, b)).map(([postId]) => postId);
    return Promise.resolve(ordered.slice(0, limit));
  }
}

function record(c: StoredComment): CommentRecord {
  return { id: c.id, postId: c.postId, authorId: c.authorId, body: c.body, createdAt: c.createdAt };
}
