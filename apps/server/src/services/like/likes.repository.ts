import { sql, type Kysely, type Transaction } from 'kysely';

import type { EventEnvelope } from '../../platform/events/events.port.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { LikeCreatedPayload, LikeRemovedPayload } from './like.events.js';
import type { LikeAction, LikesTables } from './like.tables.js';

export interface NewLike {
  userId: string;
  postId: string;
  createdAt: Date;
}

/** One liker of a post; (createdAt, userId) orders the list and positions its cursor. */
export interface LikerRecord {
  userId: string;
  createdAt: Date;
}

export interface LikersCursor {
  createdAt: Date;
  userId: string;
}

export interface LikesRepository {
  /**
   * Inserts the like unless it exists. Only when it inserted, and in the same transaction, it
   * appends `eventFor()` to the outbox and records the action in the history. True when it
   * inserted. The event is made after the insert, so that its id (which orders a post's events)
   * is taken after any earlier change of this like had committed.
   */
  like(like: NewLike, eventFor: () => EventEnvelope<LikeCreatedPayload>): Promise<boolean>;
  /** The mirror of `like`: deletes the like if it exists; true when this call deleted it. */
  unlike(
    userId: string,
    postId: string,
    removedAt: Date,
    eventFor: () => EventEnvelope<LikeRemovedPayload>,
  ): Promise<boolean>;
  /** Like counts by post id (COUNT(*) of like_dedup); posts without likes are left out. */
  countLikes(postIds: readonly string[]): Promise<Map<string, number>>;
  /** The posts among `postIds` that `userId` liked. */
  likedBy(userId: string, postIds: readonly string[]): Promise<Set<string>>;
  /** The post's likers, newest first, strictly after `after` in that order when given. */
  listLikers(postId: string, after: LikersCursor | undefined, limit: number): Promise<LikerRecord[]>;
  /**
   * The distinct posts liked or unliked at or after `since`, by ascending id, above
   * `afterPostId` when given; at most `limit`.
   */
  recentlyLikedPosts(since: Date, afterPostId: string | undefined, limit: number): Promise<string[]>;
}

export class SqlLikesRepository implements LikesRepository {
  private readonly db: Kysely<LikesTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<LikesTables>();
  }

  /**
   * No lock but the like's own key: concurrent likes of one post by different users never wait
   * for each other (no counter column, no SELECT FOR UPDATE), and concurrent likes by one user
   * of one post wait on the first one's uncommitted row, then insert nothing.
   */
  like(like: NewLike, eventFor: () => EventEnvelope<LikeCreatedPayload>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('likes.like_dedup')
        .values({ user_id: like.userId, post_id: like.postId, created_at: like.createdAt })
        .onConflict((oc) => oc.columns(['user_id', 'post_id']).doNothing())
        .returning('post_id')
        .executeTakeFirst();
      if (inserted === undefined) return false;
      await record(trx, eventFor(), 'like', like.createdAt);
      return true;
    });
  }

  unlike(
    userId: string,
    postId: string,
    removedAt: Date,
    eventFor: () => EventEnvelope<LikeRemovedPayload>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('likes.like_dedup')
        .where('user_id', '=', userId)
        .where('post_id', '=', postId)
        .returning('post_id')
        .executeTakeFirst();
      if (removed === undefined) return false;
      await record(trx, eventFor(), 'unlike', removedAt);
      return true;
    });
  }

  async countLikes(postIds: readonly string[]): Promise<Map<string, number>> {
    if (postIds.length === 0) return new Map();
    // One index-only scan of like_dedup_post_idx per post, grouped in one round trip.
    const rows = await this.db
      .selectFrom('likes.like_dedup')
      .select(['post_id', (eb) => eb.fn.countAll<string>().as('likes')])
      .where('post_id', '=', sql<string>`any(${[...new Set(postIds)]}::bigint[])`)
      .groupBy('post_id')
      .execute();
    return new Map(rows.map((row) => [row.post_id, Number(row.likes)]));
  }

  async likedBy(userId: string, postIds: readonly string[]): Promise<Set<string>> {
    if (postIds.length === 0) return new Set();
    // Probes of the primary key (user_id, post_id), one round trip for the whole batch.
    const rows = await this.db
      .selectFrom('likes.like_dedup')
      .select('post_id')
      .where('user_id', '=', userId)
      .where('post_id', '=', sql<string>`any(${[...new Set(postIds)]}::bigint[])`)
      .execute();
    return new Set(rows.map((row) => row.post_id));
  }

  async listLikers(postId: string, after: LikersCursor | undefined, limit: number): Promise<LikerRecord[]> {
    // like_dedup_post_idx (post_id, created_at desc, user_id desc) in its own order: the cursor
    // is an index bound and the scan stops after `limit` entries.
    let query = this.db
      .selectFrom('likes.like_dedup')
      .select(['user_id', 'created_at'])
      .where('post_id', '=', postId)
      .orderBy('created_at', 'desc')
      .orderBy('user_id', 'desc')
      .limit(limit);
    if (after !== undefined) {
      query = query.where((eb) =>
        eb(eb.refTuple('created_at', 'user_id'), '<', eb.tuple(after.createdAt, after.userId)),
      );
    }
    const rows = await query.execute();
    return rows.map((row) => ({ userId: row.user_id, createdAt: row.created_at }));
  }

  async recentlyLikedPosts(since: Date, afterPostId: string | undefined, limit: number): Promise<string[]> {
    // Only the partitions of the window are read (pruned on created_at), through
    // like_events_created_post_idx.
    let query = this.db
      .selectFrom('likes.like_events')
      .select('post_id')
      .distinct()
      .where('created_at', '>=', since)
      .orderBy('post_id')
      .limit(limit);
    if (afterPostId !== undefined) query = query.where('post_id', '>', afterPostId);
    const rows = await query.execute();
    return rows.map((row) => row.post_id);
  }
}

/** The outbox event and the history row of one like or unlike, in the caller's transaction. */
async function record(
  trx: Transaction<LikesTables>,
  event: EventEnvelope<LikeCreatedPayload | LikeRemovedPayload>,
  action: LikeAction,
  at: Date,
): Promise<void> {
  await appendToOutbox<LikesTables>(trx, [event]);
  await trx
    .insertInto('likes.like_events')
    .values({
      id: event.id,
      user_id: event.payload.userId,
      post_id: event.payload.postId,
      action,
      created_at: at,
    })
    .execute();
}
