create schema if not exists users;

create table users.profiles (
  user_id bigint primary key,
  -- Stored lowercased (the auth service normalises it).
  username text not null,
  display_name text not null,
  bio text not null default '',
  avatar_media_id bigint,
  follower_count bigint not null default 0,
  following_count bigint not null default 0,
  post_count bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One index serves both the case-insensitive uniqueness / equality lookups and the prefix
-- search: text_pattern_ops compares bytewise, so `lower(username) like 'ab%'` can use it
-- whatever the database collation is.
create unique index profiles_username_key on users.profiles (lower(username) text_pattern_ops);
create index profiles_display_name_prefix_idx on users.profiles (lower(display_name) text_pattern_ops);

-- The follow graph. Distributed by follower_id; `id` is a time-sortable id that orders the
-- follower and following lists newest first (a re-follow after an unfollow is new again).
create table users.follows (
  id bigint not null,
  follower_id bigint not null,
  followee_id bigint not null,
  created_at timestamptz not null default now(),
  primary key (follower_id, followee_id),
  constraint follows_not_self check (follower_id <> followee_id)
);

create index follows_followee_idx on users.follows (followee_id, id desc);
create index follows_follower_idx on users.follows (follower_id, id desc);
