import type { RowCount } from '../../platform/sql/row-count.js';
import {
  MediaStatus,
  type GetMediaBatchRequest,
  type Media,
  type MediaList,
  type MediaService,
} from '../../generated/glimpse/media/v1/media.js';
import {
  PostStatus,
  type GetPostRequest,
  type Post,
  type PostService,
} from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { DomainError } from '../../platform/errors.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import { compareIds } from '../../platform/ids/snowflake.js';
import type { PostDeletedPayload, PostPublishedPayload } from './post.events.js';
import type {
  InsertOutcome,
  NewPost,
  PostOwnership,
  PostRecord,
  PostRefRecord,
  PostsRepository,
} from './posts.repository.js';

/**
 * A media service whose photos' states the test sets. getMediaBatch answers with the states
 * as they were when it was called, after the test's hooks ran: a photo can change state
 * between the look-up and the caller's next step, as it can in production.
 */
export class FakeMediaService implements Pick<MediaService, 'getMediaBatch'> {
  /** How many times getMediaBatch was called. */
  batchCalls = 0;
  private readonly media = new Map<string, Media>();
  private lastId = 700_000;
  private hooks: (() => Promise<void>)[] = [];
  private barrier: { size: number; arrived: (() => void)[] } | undefined;

  /** @param ids where photo ids come from; a counter by default. */
  constructor(private readonly ids?: { next(): string }) {}

  /** Registers a photo of `ownerId` and returns its id. */
  add(ownerId: string, status: MediaStatus = MediaStatus.MEDIA_STATUS_READY): string {
    const id = this.ids?.next() ?? String(++this.lastId);
    this.media.set(id, {
      id,
      ownerId,
      status,
      mimeType: 'image/jpeg',
      width: 0,
      height: 0,
      variants: [],
      createdAt: new Date(0).toISOString(),
      originalKey: `originals/${id}`,
      bytes: '1024',
    });
    return id;
  }

  set(mediaId: string, status: MediaStatus, failureReason?: string): void {
    const media = this.media.get(mediaId);
    if (media === undefined) throw new Error(`no media ${mediaId}`);
    this.media.set(mediaId, { ...media, status, ...(failureReason !== undefined && { failureReason }) });
  }

  /** Runs `hook` once, inside the next getMediaBatch call, after its answer was read. */
  onNextBatch(hook: () => Promise<void>): void {
    this.hooks.push(hook);
  }

  /**
   * The next `callers` calls each wait until all of them have read their answer, so that
   * concurrent callers act on the same state, as in a real race.
   */
  holdUntil(callers: number): void {
    this.barrier = { size: callers, arrived: [] };
  }

  async getMediaBatch(request: GetMediaBatchRequest): Promise<MediaList> {
    this.batchCalls++;
    const items = request.mediaIds.flatMap((id) => {
      const media = this.media.get(id);
      return media === undefined ? [] : [structuredClone(media)];
    });
    const hook = this.hooks.shift();
    if (hook !== undefined) await hook();
    const barrier = this.barrier;
    if (barrier !== undefined) {
      await new Promise<void>((resolve) => {
        barrier.arrived.push(resolve);
        if (barrier.arrived.length < barrier.size) return;
        this.barrier = undefined;
        for (const release of barrier.arrived) release();
      });
    }
    return { items };
  }
}

interface StoredPost extends PostRecord {
  deletedAt: Date | null;
}

/**
 * A post service answering getPost as the real one does: published posts for anyone, the
 * author's own in any status, deleted ones for nobody. Post ids come from `ids` (services that
 * read a time from the id, like the comment partitions, pass a snowflake generator).
 */
export class FakePostService implements Pick<PostService, 'getPost'> {
  /** The post ids of every getPost call, in order. */
  readonly calls: string[] = [];
  private readonly posts = new Map<string, { post: Post; deleted: boolean }>();

  constructor(private readonly ids: { next(): string } = counter(800_000)) {}

  /** A post of `authorId` in `status`; returns its id. */
  add(authorId: string, status: PostStatus = PostStatus.POST_STATUS_PUBLISHED): string {
    const id = this.ids.next();
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

function counter(last: number): { next(): string } {
  return { next: () => String(++last) };
}

/** The repository's contract in memory, for unit tests of the service's decisions. */
export class InMemoryPostsRepository implements PostsRepository {
  /** Every event appended, in order (the outbox). */
  readonly outbox: EventEnvelope[] = [];
  /** The ids of every findVisible call, in order: one entry is one SQL round trip. */
  readonly findVisibleCalls: string[][] = [];
  private readonly posts = new Map<string, StoredPost>();
  /** media id -> post id */
  private readonly claims = new Map<string, string>();

  insert(post: NewPost, events: readonly EventEnvelope[]): Promise<InsertOutcome> {
    const claimed = post.mediaIds.filter((id) => this.claims.has(id));
    if (claimed.length > 0) return Promise.resolve({ inserted: false, claimedMediaIds: claimed });
    for (const id of post.mediaIds) this.claims.set(id, post.id);
    this.posts.set(post.id, {
      ...post,
      mediaIds: [...post.mediaIds],
      hashtags: [...post.hashtags],
      mentions: [...post.mentions],
      status: post.publishedAt === null ? 'pending' : 'published',
      failureReason: null,
      deletedAt: null,
    });
    this.outbox.push(...events);
    return Promise.resolve({ inserted: true });
  }

  findVisible(postIds: readonly string[], viewerId: string | undefined): Promise<PostRecord[]> {
    this.findVisibleCalls.push([...postIds]);
    return Promise.resolve(
      postIds.flatMap((id) => {
        const post = this.posts.get(id);
        return post !== undefined && visible(post, viewerId) ? [record(post)] : [];
      }),
    );
  }

  listByAuthor(
    authorId: string,
    viewerId: string | undefined,
    beforeId: string | undefined,
    limit: number,
  ): Promise<PostRecord[]> {
    const rows = [...this.posts.values()]
      .filter((post) => post.authorId === authorId && visible(post, viewerId))
      .filter((post) => beforeId === undefined || compareIds(post.id, beforeId) < 0)
      .sort((a, b) => compareIds(b.id, a.id))
      .slice(0, limit);
    return Promise.resolve(rows.map(record));
  }

  listRecentByAuthors(
    authorIds: readonly string[],
    beforeId: string | undefined,
    limit: number,
  ): Promise<PostRefRecord[]> {
    const authors = new Set(authorIds);
    const rows = [...this.posts.values()]
      .filter((post) => authors.has(post.authorId) && visible(post, undefined))
      .filter((post) => beforeId === undefined || compareIds(post.id, beforeId) < 0)
      .sort((a, b) => compareIds(b.id, a.id))
      .slice(0, limit);
    return Promise.resolve(rows.map(ref));
  }

  listRecentPublished(since: Date, limit: number): Promise<PostRefRecord[]> {
    const rows = [...this.posts.values()]
      .filter((post) => visible(post, undefined) && post.publishedAt !== null && post.publishedAt >= since)
      .sort(
        (a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0) || compareIds(b.id, a.id),
      )
      .slice(0, limit);
    return Promise.resolve(rows.map(ref));
  }

  findPendingByMedia(mediaId: string): Promise<PostRecord[]> {
    const post = this.posts.get(this.claims.get(mediaId) ?? '');
    return Promise.resolve(
      post !== undefined && post.status === 'pending' && post.deletedAt === null ? [record(post)] : [],
    );
  }

  findOwnership(postId: string): Promise<PostOwnership | undefined> {
    const post = this.posts.get(postId);
    return Promise.resolve(
      post && { authorId: post.authorId, status: post.status, deleted: post.deletedAt !== null },
    );
  }

  publish(postId: string, publishedAt: Date, event: EventEnvelope<PostPublishedPayload>): Promise<boolean> {
    const post = this.posts.get(postId);
    if (post === undefined || post.status !== 'pending' || post.deletedAt !== null) {
      return Promise.resolve(false);
    }
    post.status = 'published';
    post.publishedAt = publishedAt;
    this.outbox.push(event);
    return Promise.resolve(true);
  }

  fail(postId: string, reason: string): Promise<boolean> {
    const post = this.posts.get(postId);
    if (post === undefined || post.status !== 'pending') return Promise.resolve(false);
    post.status = 'failed';
    post.failureReason = reason;
    return Promise.resolve(true);
  }

  softDelete(postId: string, deletedAt: Date, event: EventEnvelope<PostDeletedPayload>): Promise<boolean> {
    const post = this.posts.get(postId);
    if (post === undefined || post.deletedAt !== null) return Promise.resolve(false);
    post.deletedAt = deletedAt;
    this.outbox.push(event);
    return Promise.resolve(true);
  }

  countPublished(): Promise<RowCount> {
    const published = [...this.posts.values()].filter((post) => visible(post, undefined));
    return Promise.resolve({ count: published.length, exact: true });
  }
}

function visible(post: StoredPost, viewerId: string | undefined): boolean {
  return post.deletedAt === null && (post.status === 'published' || post.authorId === viewerId);
}

function ref(post: StoredPost): PostRefRecord {
  return { postId: post.id, authorId: post.authorId };
}

function record({ deletedAt: _deletedAt, ...post }: StoredPost): PostRecord {
  return {
    ...post,
    mediaIds: [...post.mediaIds],
    hashtags: [...post.hashtags],
    mentions: [...post.mentions],
  };
}

/** A cache whose every call rejects, as the Redis adapter's do while Redis is down. */
export function unavailableCache(): Cache {
  return new Proxy({} as Cache, {
    get: () => () => Promise.reject(new Error('Connection is closed.')),
  });
}

/**
 * `cache` with a log of the methods called on it, in order (one entry per call, so one per
 * round trip on the Redis adapter for the batch methods).
 */
export function recordingCache(cache: Cache): { cache: Cache; calls: string[] } {
  const calls: string[] = [];
  const recorded = new Proxy(cache, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown => {
        calls.push(property);
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
  return { cache: recorded, calls };
}
