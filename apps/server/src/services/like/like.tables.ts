import type { ColumnType } from 'kysely';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

export type LikeAction = 'like' | 'unlike';

export interface LikeDedupRow {
  user_id: Int8;
  post_id: Int8;
  created_at: ColumnType<Date, Date, never>;
}

export interface LikeEventRow {
  /** The id of the outbox event announcing the action. */
  id: Int8;
  user_id: Int8;
  post_id: Int8;
  action: ColumnType<LikeAction, LikeAction, never>;
  created_at: ColumnType<Date, Date, never>;
}

/** The `likes` schema, owned by the like service alone. */
export interface LikesTables {
  'likes.like_dedup': LikeDedupRow;
  'likes.like_events': LikeEventRow;
}
