import { z } from 'zod';

import type { Cache } from '../../platform/cache/cache.port.js';
import { asError, safeErrorListener } from '../../platform/errors.js';
import type { PostRecord } from './posts.repository.js';

/** How long a published post stays cached after it was read from PostgreSQL. */
export const POST_CACHE_TTL_MS = 60 * 60 * 1000;

/**
 * `post:{postId}`, the post id as hash tag: other keys about one post (its counters) can share
 * its cluster slot.
 */
export function postCacheKey(postId: string): string {
  return `post:{${postId}}`;
}

/**
 * What a delete leaves in the key (not JSON, so never taken for a post). A delete cannot just
 * remove the key: a read that found the post in PostgreSQL just before the delete committed
 * would put it back after the removal, for a whole TTL. Fills only write an absent key, so
 * they never overwrite the tombstone, and the tombstone outlives any such read by far.
 */
const TOMBSTONE = 'deleted';

const isoDate = z.iso.datetime().transform((text) => new Date(text));

/** A cached post is always a published one: the only state that changes no more but by a delete. */
const cachedRecord = z.object({
  id: z.string(),
  authorId: z.string(),
  caption: z.string(),
  mediaIds: z.array(z.string()),
  status: z.literal('published'),
  failureReason: z.null(),
  hashtags: z.array(z.string()),
  mentions: z.array(z.string()),
  createdAt: isoDate,
  publishedAt: isoDate,
});

export type CachedPost = { deleted: false; record: PostRecord } | { deleted: true };

export interface PostCacheRead {
  /** The posts found in the cache, deleted ones as such. */
  hits: Map<string, CachedPost>;
  /** Keys holding something unreadable (an older format): overwritten by the next fill. */
  unreadable: Set<string>;
}

/**
 * The read-through cache of published posts. Best effort by design: every cache failure is
 * reported to `onError` and answered as "not cached", so the post service keeps working on
 * PostgreSQL alone while Redis is down.
 */
export class PostCache {
  constructor(
    private readonly cache: Cache,
    private readonly onError: (err: Error) => void,
    private readonly ttlMs: number = POST_CACHE_TTL_MS,
  ) {}

  /** One round trip for the whole batch; undefined when the cache could not be read. */
  async read(postIds: readonly string[]): Promise<PostCacheRead | undefined> {
    const read: PostCacheRead = { hits: new Map(), unreadable: new Set() };
    if (postIds.length === 0) return read;
    let values: (string | null)[];
    try {
      values = await this.cache.getMany(postIds.map(postCacheKey));
    } catch (err) {
      this.report(err);
      return undefined;
    }
    for (const [index, postId] of postIds.entries()) {
      const value = values[index];
      if (value === null || value === undefined) continue;
      if (value === TOMBSTONE) {
        read.hits.set(postId, { deleted: true });
        continue;
      }
      const record = parse(value);
      if (record?.id === postId) read.hits.set(postId, { deleted: false, record });
      else {
        read.unreadable.add(postId);
        this.report(new Error(`Unreadable cached post under ${postCacheKey(postId)}`));
      }
    }
    return read;
  }

  /**
   * Caches the published posts among `records` (the others may still change). A key is only
   * written when absent, so a delete's tombstone always wins, except for the `overwrite` ids,
   * whose keys hold something unreadable. The port's setMany cannot write "only if absent",
   * hence one SET NX per post, all sent at once: ioredis writes each without waiting for the
   * previous reply, so the batch costs about one round trip, and only misses are written.
   */
  async fill(records: readonly PostRecord[], overwrite: ReadonlySet<string> = new Set()): Promise<void> {
    const published = records.filter((record) => record.status === 'published');
    if (published.length === 0) return;
    const outcomes = await Promise.allSettled(
      published.map((record) =>
        this.cache.set(postCacheKey(record.id), JSON.stringify(record), {
          ttlMs: this.ttlMs,
          onlyIfAbsent: !overwrite.has(record.id),
        }),
      ),
    );
    // One failure stands for the batch: the others failed for the same reason, most likely.
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) this.report(failure.reason);
  }

  /** Marks the post deleted in the cache; to be called once the delete has committed. */
  async forget(postId: string): Promise<void> {
    try {
      await this.cache.set(postCacheKey(postId), TOMBSTONE, { ttlMs: this.ttlMs });
    } catch (err) {
      this.report(err);
    }
  }

  /** A failing logger must not fail the read it reports on. */
  private report(err: unknown): void {
    safeErrorListener(this.onError)(asError(err));
  }
}

function parse(value: string): PostRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const result = cachedRecord.safeParse(json);
  return result.success ? result.data : undefined;
}
