import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';

import type { EventEnvelope } from '../../platform/events/events.port.js';
import { ID_EPOCH_MS, idAtTime } from '../../platform/ids/snowflake.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { CommentCreatedPayload, CommentDeletedPayload } from './comment.events.js';
import type { CommentRow, CommentsTables } from './comment.tables.js';

export interface CommentRecord {
  id: string;
  postId: string;
  authorId: string;
  /** Exactly as written. */
  body: string;
  createdAt: Date;
}

export interface NewComment extends CommentRecord {
  postAuthorId: string;
}

/** What deciding on a delete needs, deleted comments included. */
export interface CommentRef {
  id: string;
  postId: string;
  postAuthorId: string;
  authorId: string;
  createdAt: Date;
  deleted: boolean;
}

export interface CommentsRepository {
  /** Inserts the comment (and its index entry) and appends `event` to the outbox, in one transaction. */
  insert(comment: NewComment, event: EventEnvelope<CommentCreatedPayload>): Promise<void>;
  /**
   * The post's comments that are not deleted, oldest first, with ids above `afterId` when given;
   * at most `limit`. `notBefore` is a lower bound on their created_at (see commentsNotBefore):
   * it only spares the partitions before it.
   */
  listByPost(
    postId: string,
    afterId: string | undefined,
    notBefore: Date,
    limit: number,
  ): Promise<CommentRecord[]>;
  findRef(commentId: string): Promise<CommentRef | undefined>;
  /**
   * Marks the comment deleted and appends `event`, both only when it was not deleted yet, in one
   * transaction. True when this call deleted it.
   */
  softDelete(ref: CommentRef, deletedAt: Date, event: EventEnvelope<CommentDeletedPayload>): Promise<boolean>;
  /** COUNT(*) of the live comments of each of `postIds`; posts without any are left out. */
  countLive(postIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * The posts with a comment made or deleted at or after `since`, the most recently active first;
   * at most `limit`.
   */
  recentlyActivePosts(since: Date, limit: number): Promise<string[]>;
}

// One grouped COUNT per this many posts: a bounded `in` list.
const COUNT_CHUNK = 1000;

export class SqlCommentsRepository implements CommentsRepository {
  private readonly db: Kysely<CommentsTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<CommentsTables>();
  }

  async insert(comment: NewComment, event: EventEnvelope<CommentCreatedPayload>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('comments.comment_index')
        .values({
          id: comment.id,
          post_id: comment.postId,
          post_author_id: comment.postAuthorId,
          author_id: comment.authorId,
          created_at: comment.createdAt,
        })
        .execute();
      await trx
        .insertInto('comments.comments')
        .values({
          id: comment.id,
          post_id: comment.postId,
          author_id: comment.authorId,
          body: comment.body,
          created_at: comment.createdAt,
        })
        .execute();
      await appendToOutbox<CommentsTables>(trx, [event]);
    });
  }

  async listByPost(
    postId: string,
    afterId: string | undefined,
    notBefore: Date,
    limit: number,
  ): Promise<CommentRecord[]> {
    const rows = await commentsOfPostQuery(this.db, postId, afterId, notBefore, limit).execute();
    return rows.map((row) => ({
      id: row.id,
      postId: row.post_id,
      authorId: row.author_id,
      body: row.body,
      createdAt: row.created_at,
    }));
  }

  async findRef(commentId: string): Promise<CommentRef | undefined> {
    const row = await this.db
      .selectFrom('comments.comment_index')
      .selectAll()
      .where('id', '=', commentId)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        postId: row.post_id,
        postAuthorId: row.post_author_id,
        authorId: row.author_id,
        createdAt: row.created_at,
        deleted: row.deleted_at !== null,
      }
    );
  }

  softDelete(
    ref: CommentRef,
    deletedAt: Date,
    event: EventEnvelope<CommentDeletedPayload>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Compare-and-set on the index row: of two concurrent deletes, the second waits for the
      // first's row lock, then finds the comment deleted and changes nothing.
      const deleted = await trx
        .updateTable('comments.comment_index')
        .set({ deleted_at: deletedAt })
        .where('id', '=', ref.id)
        .where('deleted_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (deleted === undefined) return false;
      // The whole key: one partition (created_at), one index probe.
      await trx
        .updateTable('comments.comments')
        .set({ deleted_at: deletedAt })
        .where('post_id', '=', ref.postId)
        .where('id', '=', ref.id)
        .where('created_at', '=', ref.createdAt)
        .execute();
      await appendToOutbox<CommentsTables>(trx, [event]);
      return true;
    });
  }

  async countLive(postIds: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const unique = [...new Set(postIds)];
    for (let start = 0; start < unique.length; start += COUNT_CHUNK) {
      // An index-only scan of comment_index_post_id_idx per post.
      const rows = await this.db
        .selectFrom('comments.comment_index')
        .select(['post_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('post_id', 'in', unique.slice(start, start + COUNT_CHUNK))
        .where('deleted_at', 'is', null)
        .groupBy('post_id')
        .execute();
      for (const row of rows) counts.set(row.post_id, Number(row.n));
    }
    return counts;
  }

  async recentlyActivePosts(since: Date, limit: number): Promise<string[]> {
    // Made since: a range of the primary key (ids are time-sortable). Deleted since: a range of
    // the partial index on deleted_at.
    const firstId = since.getTime() <= ID_EPOCH_MS ? '0' : idAtTime(since);
    const { rows } = await sql<{ post_id: string }>`
      select post_id
      from (
        select post_id, created_at as at from comments.comment_index where id >= ${firstId}
        union all
        select post_id, deleted_at as at from comments.comment_index where deleted_at >= ${since}
      ) activity
      group by post_id
      order by max(at) desc, post_id
      limit ${limit}`.execute(this.db);
    return rows.map((row) => row.post_id);
  }
}

/**
 * The SQL of `listByPost`, on its own so that tests can EXPLAIN it. Per partition left after
 * pruning on created_at, a range scan of the primary key (post_id, id, ...), already in id
 * order; a Merge Append of those, stopped at `limit`.
 */
export function commentsOfPostQuery(
  db: Kysely<CommentsTables>,
  postId: string,
  afterId: string | undefined,
  notBefore: Date,
  limit: number,
): SelectQueryBuilder<
  CommentsTables,
  'comments.comments',
  Pick<Selectable<CommentRow>, 'id' | 'post_id' | 'author_id' | 'body' | 'created_at'>
> {
  let query = db
    .selectFrom('comments.comments')
    .select(['id', 'post_id', 'author_id', 'body', 'created_at'])
    .where('post_id', '=', postId)
    .where('created_at', '>=', notBefore)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .limit(limit);
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query;
}
