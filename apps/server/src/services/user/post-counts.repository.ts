import { sql, type Kysely } from 'kysely';

import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { UsersTables } from './user.tables.js';

export interface PostCountsRepository {
  /** Counts the post once, however often it is announced; true when it was new. */
  recordPublished(authorId: string, postId: string): Promise<boolean>;
  /** Uncounts the post once; a post never counted is remembered as deleted. True when it changed. */
  recordDeleted(authorId: string, postId: string): Promise<boolean>;
}

export class SqlPostCountsRepository implements PostCountsRepository {
  private readonly db: Kysely<UsersTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<UsersTables>();
  }

  async recordPublished(authorId: string, postId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('users.author_posts')
        .values({ author_id: authorId, post_id: postId })
        .onConflict((oc) => oc.doNothing())
        .returning('post_id')
        .executeTakeFirst();
      if (inserted === undefined) return false;
      await trx
        .updateTable('users.profiles')
        .set({ post_count: sql`post_count + 1` })
        .where('user_id', '=', authorId)
        .execute();
      return true;
    });
  }

  async recordDeleted(authorId: string, postId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // A deletion seen before its publication (should the bus ever reorder them) leaves a
      // tombstone, so the late post.published finds the row and counts nothing.
      const tombstone = await trx
        .insertInto('users.author_posts')
        .values({ author_id: authorId, post_id: postId, deleted: true })
        .onConflict((oc) => oc.doNothing())
        .returning('post_id')
        .executeTakeFirst();
      if (tombstone !== undefined) return false;
      const deleted = await trx
        .updateTable('users.author_posts')
        .set({ deleted: true })
        .where('author_id', '=', authorId)
        .where('post_id', '=', postId)
        .where('deleted', '=', false)
        .returning('post_id')
        .executeTakeFirst();
      if (deleted === undefined) return false;
      await trx
        .updateTable('users.profiles')
        .set({ post_count: sql`greatest(post_count - 1, 0)` })
        .where('user_id', '=', authorId)
        .execute();
      return true;
    });
  }
}
