import type { ColumnType } from 'kysely';

import type { PostState } from './post.rules.js';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

export interface PostRow {
  id: Int8;
  author_id: Int8;
  caption: string;
  status: ColumnType<PostState, PostState | undefined, PostState>;
  failure_reason: ColumnType<string | null, string | null | undefined, string | null>;
  hashtags: ColumnType<string[], string[] | undefined, string[]>;
  mentions: ColumnType<string[], string[] | undefined, string[]>;
  created_at: ColumnType<Date, Date, never>;
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface PostMediaRow {
  media_id: Int8;
  post_id: Int8;
  position: ColumnType<number, number, never>;
}

/** The `posts` schema, owned by the post service alone. */
export interface PostsTables {
  'posts.posts': PostRow;
  'posts.post_media': PostMediaRow;
}
