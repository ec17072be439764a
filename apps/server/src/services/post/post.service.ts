import { z } from 'zod';

import type { Media, MediaService } from '../../generated/glimpse/media/v1/media.js';
import {
  PostStatus,
  type CreatePostRequest,
  type DeletePostRequest,
  type Empty,
  type GetPostRequest,
  type GetPostsRequest,
  type ListAuthorPostsRequest,
  type ListRecentByAuthorsRequest,
  type ListRecentPublishedRequest,
  type Post,
  type PostList,
  type PostPage,
  type PostRef,
  type PostRefList,
  type PostService,
  type SettleMediaRequest,
  type CountPostsRequest,
  type PostCount,
} from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import { DomainError, type FieldError } from '../../platform/errors.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import { isId } from '../../platform/ids/snowflake.js';
import { clampLimit, decodeCursor, toPage } from '../../platform/pagination/cursor.js';
import { captionProblem, extractHashtags, extractMentions } from './caption.rules.js';
import { PostCache } from './post.cache.js';
import {
  POST_DELETED,
  POST_PUBLISHED,
  type PostDeletedPayload,
  type PostPublishedPayload,
} from './post.events.js';
import {
  isReady,
  MAX_PULL_AUTHORS,
  mediaProblem,
  POST_MEDIA_MAX,
  POST_MEDIA_MIN,
  postRefLimit,
  settlementOf,
  type PostState,
} from './post.rules.js';
import type { PostRecord, PostRefRecord, PostsRepository } from './posts.repository.js';

export interface PostServiceDeps {
  posts: PostsRepository;
  /** The media service (in process or over gRPC): the only way to learn a photo's state. */
  media: Pick<MediaService, 'getMediaBatch'>;
  /** Source of 64-bit time-sortable ids (posts, events). */
  ids: { next(): string };
  now?: () => Date;
  /** The W3C trace context to stamp on events, when tracing is on. */
  traceparent?: () => string | undefined;
  /**
   * Where published posts are cached (`post:{postId}`) for reads; without it every read goes to
   * PostgreSQL. Optional at run time too: any cache failure falls back to PostgreSQL.
   */
  cache?: Cache;
  /** Told of every cache failure the service swallowed (to log it); nothing by default. */
  onCacheError?: (err: Error) => void;
}

// The id goes into a bigint comparison: one out of range would be a database error.
const postCursor = z.object({ id: z.string().refine(isId) });
const isoTime = z.iso.datetime({ offset: true });

const EMPTY: Empty = {};

/**
 * Posts: create (pending until every photo is ready), publish, fail, read, delete. Transport-
 * agnostic: the gateway and gRPC call it alike, and the media event consumer calls settleMedia.
 */
export class PostServiceImpl implements PostService {
  private readonly posts: PostsRepository;
  private readonly media: Pick<MediaService, 'getMediaBatch'>;
  private readonly ids: { next(): string };
  private readonly now: () => Date;
  private readonly events: EventFactory;
  private readonly cache: PostCache | undefined;

  constructor(deps: PostServiceDeps) {
    this.posts = deps.posts;
    this.media = deps.media;
    this.ids = deps.ids;
    this.now = deps.now ?? (() => new Date());
    this.events = new EventFactory(deps.ids, deps.traceparent);
    this.cache = deps.cache && new PostCache(deps.cache, deps.onCacheError ?? (() => undefined));
  }

  async createPost(request: CreatePostRequest): Promise<Post> {
    const { authorId, caption, mediaIds } = request;
    const errors = requestProblems(request);
    if (errors.length > 0) throw DomainError.invalid('Invalid post', errors);

    const media = await this.mediaByIds(mediaIds);
    const mediaErrors = mediaIds.flatMap((id, index) => {
      const problem = mediaProblem(media.get(id), authorId);
      return problem === undefined ? [] : [{ path: `mediaIds.${index}`, message: problem }];
    });
    if (mediaErrors.length > 0) throw DomainError.invalid('Invalid post', mediaErrors);

    const now = this.now();
    // `ready` is final: when every photo already is, the post goes in published, announced in
    // the same transaction, and no media event can find it pending.
    const publishNow = mediaIds.every((id) => isReady(media.get(id)));
    const post: PostRecord = {
      id: this.ids.next(),
      authorId,
      caption,
      mediaIds: [...mediaIds],
      status: publishNow ? 'published' : 'pending',
      failureReason: null,
      hashtags: extractHashtags(caption),
      mentions: extractMentions(caption),
      createdAt: now,
      publishedAt: publishNow ? now : null,
    };
    const outcome = await this.posts.insert(post, publishNow ? [this.publishedEvent(post, now)] : []);
    if (!outcome.inserted) {
      const claimed = new Set(outcome.claimedMediaIds);
      throw DomainError.conflict(
        'A photo is already used by another post',
        mediaIds.flatMap((id, index) =>
          claimed.has(id) ? [{ path: `mediaIds.${index}`, message: 'is already used by another post' }] : [],
        ),
      );
    }
    if (publishNow) return toPost(post);

    // A photo may have become ready (or failed) between the look-up above and the commit; its
    // media event then found no pending post. Settling after the commit closes that window.
    const settled = await this.settle([post]);
    if (!settled.has(post.id)) return toPost(post);
    // Settled now, by this call or (the media event having been quicker) by another.
    const current = settled.get(post.id) ?? (await this.posts.findVisible([post.id], authorId))[0];
    return toPost(current ?? post);
  }

  async getPost(request: GetPostRequest): Promise<Post> {
    const viewerId = viewerOf(request.viewerId);
    if (!isId(request.postId)) throw DomainError.notFound('Post not found');
    const post = (await this.findVisible([request.postId], viewerId)).get(request.postId);
    if (post === undefined) throw DomainError.notFound('Post not found');
    return toPost(post);
  }

  async getPosts(request: GetPostsRequest): Promise<PostList> {
    const ids = [...new Set(request.postIds)].filter(isId);
    const byId = await this.findVisible(ids, viewerOf(request.viewerId));
    // In request order, which is what hydration wants.
    const items = ids.flatMap((id) => {
      const record = byId.get(id);
      return record === undefined ? [] : [toPost(record)];
    });
    return { items };
  }

  async deletePost(request: DeletePostRequest): Promise<Empty> {
    const { postId, authorId } = request;
    const post = isId(postId) ? await this.posts.findOwnership(postId) : undefined;
    const own = post !== undefined && post.authorId === authorId;
    // Someone else gets what getPost would tell them: a post they cannot see does not exist.
    if (post === undefined || (!own && (post.deleted || post.status !== 'published'))) {
      throw DomainError.notFound('Post not found');
    }
    if (!own) throw DomainError.forbidden('Only the author can delete a post');
    if (post.deleted) {
      // A retry also repairs a cache that was down when the delete itself ran.
      await this.cache?.forget(postId);
      return EMPTY;
    }

    const now = this.now();
    const event = this.events.create<PostDeletedPayload>(
      POST_DELETED,
      postId,
      { postId, authorId, deletedAt: now.toISOString() },
      now,
    );
    // A concurrent delete may win the race; either way the post is deleted and announced once.
    await this.posts.softDelete(postId, now, event);
    // Only now that the delete has committed: a read in between would cache the post again.
    await this.cache?.forget(postId);
    return EMPTY;
  }

  async listAuthorPosts(request: ListAuthorPostsRequest): Promise<PostPage> {
    const limit = clampLimit(request.limit);
    const before = request.cursor ? decodeCursor(request.cursor, postCursor).id : undefined;
    if (!isId(request.authorId)) {
      throw DomainError.invalid('Invalid author', [{ path: 'authorId', message: 'must be a user id' }]);
    }
    const rows = await this.posts.listByAuthor(
      request.authorId,
      viewerOf(request.viewerId),
      before,
      limit + 1,
    );
    const page = toPage(rows, limit, (last) => ({ id: last.id }));
    return {
      items: page.items.map(toPost),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  async listRecentByAuthors(request: ListRecentByAuthorsRequest): Promise<PostRefList> {
    const authorIds = [...new Set(request.authorIds)];
    const errors: FieldError[] = [];
    if (authorIds.length > MAX_PULL_AUTHORS) {
      errors.push({ path: 'authorIds', message: `must hold at most ${MAX_PULL_AUTHORS} authors` });
    } else {
      for (const [index, id] of request.authorIds.entries()) {
        if (!isId(id)) errors.push({ path: `authorIds.${index}`, message: 'must be a user id' });
      }
    }
    const { beforeId } = request;
    if (beforeId !== undefined && !isId(beforeId)) {
      errors.push({ path: 'beforeId', message: 'must be a post id' });
    }
    if (errors.length > 0) throw DomainError.invalid('Invalid query', errors);
    if (authorIds.length === 0) return { items: [] };
    const refs = await this.posts.listRecentByAuthors(authorIds, beforeId, postRefLimit(request.limit));
    return { items: refs.map(toPostRef) };
  }

  async listRecentPublished(request: ListRecentPublishedRequest): Promise<PostRefList> {
    if (!isoTime.safeParse(request.since).success) {
      throw DomainError.invalid('Invalid query', [{ path: 'since', message: 'must be an ISO 8601 time' }]);
    }
    const refs = await this.posts.listRecentPublished(new Date(request.since), postRefLimit(request.limit));
    return { items: refs.map(toPostRef) };
  }

  async countPosts(_request: CountPostsRequest): Promise<PostCount> {
    const { count, exact } = await this.posts.countPublished();
    return { count: String(count), exact };
  }

  async settleMedia(request: SettleMediaRequest): Promise<Empty> {
    // An id that can name no media is in no post: nothing to settle.
    if (!isId(request.mediaId)) return EMPTY;
    await this.settle(await this.posts.findPendingByMedia(request.mediaId));
    return EMPTY;
  }

  /**
   * Publishes or fails each pending post whose photos say so, looking all their photos up in
   * one call. Safe to run any number of times, concurrently too: publish and fail only move a
   * post that is still pending. Returns, for each post whose photos decided its fate, the post
   * as this call moved it, or undefined when another call had moved it first.
   */
  private async settle(pending: readonly PostRecord[]): Promise<Map<string, PostRecord | undefined>> {
    const moved = new Map<string, PostRecord | undefined>();
    if (pending.length === 0) return moved;
    const media = await this.mediaByIds([...new Set(pending.flatMap((post) => post.mediaIds))]);
    for (const post of pending) {
      const settlement = settlementOf(post.mediaIds.map((id) => media.get(id)));
      switch (settlement.outcome) {
        case 'wait':
          break;
        case 'publish': {
          const now = this.now();
          const published = await this.posts.publish(post.id, now, this.publishedEvent(post, now));
          moved.set(post.id, published ? { ...post, status: 'published', publishedAt: now } : undefined);
          break;
        }
        case 'fail': {
          const failed = await this.posts.fail(post.id, settlement.reason);
          moved.set(
            post.id,
            failed ? { ...post, status: 'failed', failureReason: settlement.reason } : undefined,
          );
          break;
        }
      }
    }
    return moved;
  }

  /**
   * The posts among `ids` the viewer may see, by id: published ones from the cache where it has
   * them, the rest (and everything, when the cache is missing or down) from PostgreSQL in one
   * query, then cached. Whoever the viewer, a published post reads the same, so one cached copy
   * serves everybody; posts not published (visible to their author only) are never cached.
   */
  private async findVisible(
    ids: readonly string[],
    viewerId: string | undefined,
  ): Promise<Map<string, PostRecord>> {
    const found = new Map<string, PostRecord>();
    if (ids.length === 0) return found;
    const cached = await this.cache?.read(ids);
    const misses: string[] = [];
    for (const id of ids) {
      const hit = cached?.hits.get(id);
      if (hit === undefined) misses.push(id);
      else if (!hit.deleted) found.set(id, hit.record);
    }
    if (misses.length === 0) return found;
    const records = await this.posts.findVisible(misses, viewerId);
    for (const record of records) found.set(record.id, record);
    // A cache that could not be read is down, most likely: writing to it would only wait again.
    if (cached !== undefined) await this.cache?.fill(records, cached.unreadable);
    return found;
  }

  private async mediaByIds(mediaIds: readonly string[]): Promise<Map<string, Media>> {
    const { items } = await this.media.getMediaBatch({ mediaIds: [...mediaIds] });
    return new Map(items.map((item) => [item.id, item]));
  }

  private publishedEvent(post: PostRecord, publishedAt: Date): EventEnvelope<PostPublishedPayload> {
    return this.events.create<PostPublishedPayload>(
      POST_PUBLISHED,
      post.id,
      {
        postId: post.id,
        authorId: post.authorId,
        mediaIds: post.mediaIds,
        createdAt: post.createdAt.toISOString(),
        publishedAt: publishedAt.toISOString(),
      },
      publishedAt,
    );
  }
}

/** The shape problems of a create request, each on its field; empty when there are none. */
function requestProblems({ authorId, caption, mediaIds }: CreatePostRequest): FieldError[] {
  const errors: FieldError[] = [];
  if (!isId(authorId)) errors.push({ path: 'authorId', message: 'must be a user id' });
  const captionError = captionProblem(caption);
  if (captionError !== undefined) errors.push({ path: 'caption', message: captionError });
  if (mediaIds.length < POST_MEDIA_MIN || mediaIds.length > POST_MEDIA_MAX) {
    errors.push({ path: 'mediaIds', message: `must hold ${POST_MEDIA_MIN} to ${POST_MEDIA_MAX} photos` });
    return errors;
  }
  const seen = new Set<string>();
  for (const [index, id] of mediaIds.entries()) {
    if (!isId(id)) errors.push({ path: `mediaIds.${index}`, message: 'must be a media id' });
    else if (seen.has(id)) errors.push({ path: `mediaIds.${index}`, message: 'is already in this post' });
    seen.add(id);
  }
  return errors;
}

/** A viewer id that cannot name a user is no viewer (it could match no author anyway). */
function viewerOf(viewerId: string | undefined): string | undefined {
  return viewerId !== undefined && isId(viewerId) ? viewerId : undefined;
}

function toPostRef(ref: PostRefRecord): PostRef {
  return { postId: ref.postId, authorId: ref.authorId };
}

const STATUS: Record<PostState, PostStatus> = {
  pending: PostStatus.POST_STATUS_PENDING,
  published: PostStatus.POST_STATUS_PUBLISHED,
  failed: PostStatus.POST_STATUS_FAILED,
};

function toPost(record: PostRecord): Post {
  return {
    id: record.id,
    authorId: record.authorId,
    caption: record.caption,
    mediaIds: record.mediaIds,
    status: STATUS[record.status],
    ...(record.failureReason !== null && { failureReason: record.failureReason }),
    hashtags: record.hashtags,
    mentions: record.mentions,
    createdAt: record.createdAt.toISOString(),
    ...(record.publishedAt !== null && { publishedAt: record.publishedAt.toISOString() }),
  };
}
