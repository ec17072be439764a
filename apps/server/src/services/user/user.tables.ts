import type { ColumnType, Generated } from 'kysely';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;
type Int8Counter = ColumnType<string, string | number | bigint | undefined, string | number | bigint>;

export interface ProfileRow {
  user_id: Int8;
  username: string;
  display_name: string;
  bio: Generated<string>;
  avatar_media_id: ColumnType<string | null, string | null | undefined, string | null>;
  follower_count: Int8Counter;
  following_count: Int8Counter;
  post_count: Int8Counter;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FollowRow {
  id: Int8;
  follower_id: Int8;
  followee_id: Int8;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface AuthorPostRow {
  author_id: Int8;
  post_id: Int8;
  deleted: ColumnType<boolean, boolean | undefined, boolean>;
}

/** The `users` schema, owned by the user service alone. */
export interface UsersTables {
  'users.profiles': ProfileRow;
  'users.follows': FollowRow;
  'users.author_posts': AuthorPostRow;
}
