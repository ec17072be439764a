import { z } from 'zod';

import type {
  Comment,
  CommentCountList,
  CommentPage,
  CommentResult,
  CommentService,
  CreateCommentRequest,
  DeleteCommentRequest,
  Empty,
  GetCommentCountsRequest,
  ListCommentsRequest,
  ReconcileRequest,
  ReconcileResult,
} from '../../generated/glimpse/comment/v1/comment.js';
import { PostStatus, type Post, type PostService } from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { DomainError, type FieldError } from '../../platform/errors.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import { idTimestamp, isId } from '../../platform/ids/snowflake.js';
import { clampLimit, decodeCursor, toPage } from '../../platform/pagination/cursor.js';
import type { CounterCheck } from '../../platform/cache/counter.js';
import { CommentCounters } from './comment.counters.js';
import {
  COMMENT_CREATED,
  COMMENT_DELETED,
  type CommentCreatedPayload,
  type CommentDeletedPayload,
} from './comment.events.js';
import {
  commentBodyProblem,
  commentsNotBefore,
  MAX_COUNT_POSTS,
  RECONCILE_BATCH,
  RECONCILE_MAX_POSTS,
  RECONCILE_WINDOW_MS,
} from './comment.rules.js';
import type { CommentRecord, CommentsRepository, NewComment } from './comments.repository.js';

export interface CommentServiceDeps {
  comments: CommentsRepository;
  /** The post service (in process or over gRPC): whether a post can be commented on, and its author. */
  posts: Pick<PostService, 'getPost'>;
  /** Where the `comment_count:{postId}` counters live; any failure falls back to PostgreSQL. */
  cache: Cache;
  /**
   * Source of 64-bit time-sortable ids (comments, events). A comment's created_at is its id's
   * timestamp, so that ids and times never disagree (see the migration).
   */
  ids: { next(): string };
  /** The clock of deletions and of the reconcile window. */
  now?: () => Date;
  /** The W3C trace context to stamp on events, when tracing is on. */
  traceparent?: () => string | undefined;
  /** Told of every cache failure the service swallowed (to log it); nothing by default. */
  onCacheError?: (err: Error) => void;
  /** Reconcile checks the posts commented on within this window (default RECONCILE_WINDOW_MS). */
  reconcileWindowMs?: number;
}

// The id goes into a bigint comparison: one out of range would be a database error.
const commentCursor = z.object({ id: z.string().refine(isId) });

const EMPTY: Empty = {};

/**
 * Comments on posts: create, list oldest first, delete (soft), counts for hydration, and the
 * reconciliation of the counters with PostgreSQL. Transport-agnostic: the gateway and gRPC call
 * it alike.
 */
export class CommentServiceImpl implements CommentService {
  private readonly comments: CommentsRepository;
  private readonly posts: Pick<PostService, 'getPost'>;
  private readonly ids: { next(): string };
  private readonly now: () => Date;
  private readonly events: EventFactory;
  private readonly counters: CommentCounters;
  private readonly reconcileWindowMs: number;

  constructor(deps: CommentServiceDeps) {
    this.comments = deps.comments;
    this.posts = deps.posts;
    this.ids = deps.ids;
    this.now = deps.now ?? (() => new Date());
    this.events = new EventFactory(deps.ids, deps.traceparent);
    this.counters = new CommentCounters(deps.cache, deps.comments, deps.onCacheError ?? (() => undefined));
    this.reconcileWindowMs = deps.reconcileWindowMs ?? RECONCILE_WINDOW_MS;
  }

  async createComment(request: CreateCommentRequest): Promise<CommentResult> {
    const { postId, authorId, body } = request;
    const errors: FieldError[] = [];
    if (!isId(authorId)) errors.push({ path: 'authorId', message: 'must be a user id' });
    const bodyError = commentBodyProblem(body);
    if (bodyError !== undefined) errors.push({ path: 'body', message: bodyError });
    if (errors.length > 0) throw DomainError.invalid('Invalid comment', errors);
    const post = await this.commentablePost(postId);

    const id = this.ids.next();
    const comment: NewComment = {
      id,
      postId,
      postAuthorId: post.authorId,
      authorId,
      body,
      createdAt: idTimestamp(id),
    };
    const event = this.events.create<CommentCreatedPayload>(
      COMMENT_CREATED,
      postId,
      {
        commentId: id,
        postId,
        postAuthorId: post.authorId,
        authorId,
        body,
        createdAt: comment.createdAt.toISOString(),
      },
      comment.createdAt,
    );
    await this.comments.insert(comment, event);
    // Only now that the comment has committed: a counter must never count what may roll back.
    const bump = await this.counters.bump(postId, 1);
    const commentCount = await this.counters.after(postId, bump);
    return { comment: toComment(comment), commentCount: String(commentCount) };
  }

  async listComments(request: ListCommentsRequest): Promise<CommentPage> {
    const limit = clampLimit(request.limit);
    const after = request.cursor ? decodeCursor(request.cursor, commentCursor).id : undefined;
    await this.commentablePost(request.postId);
    const rows = await this.comments.listByPost(
      request.postId,
      after,
      commentsNotBefore(request.postId, after),
      limit + 1,
    );
    const page = toPage(rows, limit, (last) => ({ id: last.id }));
    return {
      items: page.items.map(toComment),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  async deleteComment(request: DeleteCommentRequest): Promise<Empty> {
    const { commentId, userId } = request;
    const ref = isId(commentId) ? await this.comments.findRef(commentId) : undefined;
    if (ref === undefined) throw DomainError.notFound('Comment not found');
    const allowed = userId === ref.authorId || userId === ref.postAuthorId;
    if (!allowed) {
      // A deleted comment is not shown to anyone: to a stranger it does not exist.
      if (ref.deleted) throw DomainError.notFound('Comment not found');
      throw DomainError.forbidden("Only the comment's author or the post's author can delete it");
    }
    if (ref.deleted) return EMPTY;

    const now = this.now();
    const event = this.events.create<CommentDeletedPayload>(
      COMMENT_DELETED,
      ref.postId,
      {
        commentId: ref.id,
        postId: ref.postId,
        postAuthorId: ref.postAuthorId,
        authorId: ref.authorId,
        deletedAt: now.toISOString(),
      },
      now,
    );
    // A concurrent delete may win the race; then this one changed nothing, and counts nothing.
    if (await this.comments.softDelete(ref, now, event)) await this.counters.bump(ref.postId, -1);
    return EMPTY;
  }

  async getCommentCounts(request: GetCommentCountsRequest): Promise<CommentCountList> {
    if (request.postIds.length > MAX_COUNT_POSTS) {
      throw DomainError.invalid('Invalid query', [
        { path: 'postIds', message: `must hold at most ${MAX_COUNT_POSTS} posts` },
      ]);
    }
    // An id that names no post has no comments: no need to ask anyone.
    const counts = await this.counters.counts(request.postIds.filter(isId));
    return {
      items: request.postIds.map((postId) => ({ postId, commentCount: String(counts.get(postId) ?? 0) })),
    };
  }

  async reconcile(_request: ReconcileRequest): Promise<ReconcileResult> {
    const since = new Date(this.now().getTime() - this.reconcileWindowMs);
    const postIds = await this.comments.recentlyActivePosts(since, RECONCILE_MAX_POSTS);
    const total: CounterCheck = { checked: 0, drifted: 0, drift: 0 };
    for (let start = 0; start < postIds.length; start += RECONCILE_BATCH) {
      const check = await this.counters.reconcile(postIds.slice(start, start + RECONCILE_BATCH));
      total.checked += check.checked;
      total.drifted += check.drifted;
      total.drift += check.drift;
    }
    return { checked: String(total.checked), drifted: String(total.drifted), drift: String(total.drift) };
  }

  /** The post, when it is published and not deleted; NOT_FOUND otherwise, as the post service says. */
  private async commentablePost(postId: string): Promise<Post> {
    if (!isId(postId)) throw DomainError.notFound('Post not found');
    // Asked without a viewer: only a published, not deleted post is found.
    const post = await this.posts.getPost({ postId });
    if (post.status !== PostStatus.POST_STATUS_PUBLISHED) throw DomainError.notFound('Post not found');
    return post;
  }
}

function toComment(record: CommentRecord): Comment {
  return {
    id: record.id,
    postId: record.postId,
    authorId: record.authorId,
    body: record.body,
    createdAt: record.createdAt.toISOString(),
  };
}
