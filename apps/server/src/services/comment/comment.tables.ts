import type { ColumnType } from 'kysely';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

/** `comments.comments`: partitioned by month on created_at. */
export interface CommentRow {
  id: Int8;
  post_id: Int8;
  author_id: Int8;
  body: string;
  created_at: ColumnType<Date, Date, never>;
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** `comments.comment_index`: one narrow row per comment, not partitioned. */
export interface CommentIndexRow {
  id: Int8;
  post_id: Int8;
  post_author_id: Int8;
  author_id: Int8;
  created_at: ColumnType<Date, Date, never>;
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** The `comments` schema, owned by the comment service alone. */
export interface CommentsTables {
  'comments.comments': CommentRow;
  'comments.comment_index': CommentIndexRow;
}
