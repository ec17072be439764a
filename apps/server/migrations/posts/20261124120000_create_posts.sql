-- Posts and the photos they show. The post service owns this schema alone.
create schema if not exists posts;

-- Distributed by id: lookups and hydration (the hot path) are by post id.
create table posts.posts (
  id bigint primary key,
  author_id bigint not null,
  -- Exactly as written; the service bounds it (2200 code points).
  caption text not null,
  status text not null default 'pending',
  failure_reason text,
  -- From the caption: lowercased, without '#' / '@', in order of first appearance.
  hashtags text[] not null default '{}',
  mentions text[] not null default '{}',
  created_at timestamptz not null,
  published_at timestamptz,
  -- Soft delete: the row stays (the post's media stay claimed, and a retried delete is a no-op).
  deleted_at timestamptz,
  constraint posts_status_check check (status in ('pending', 'published', 'failed')),
  constraint posts_published_at_check check ((status = 'published') = (published_at is not null)),
  constraint posts_failure_reason_check check ((status = 'failed') = (failure_reason is not null))
);

-- An author's posts newest first: the profile grid, and the feed's pull query (a feed rebuilt
-- from PostgreSQL when Redis misses or is down). This index IS the "(author_id, created_at)"
-- index of that query: ids are time-sortable (milliseconds in their top bits) and created_at is
-- taken at the same moment as the id, so `order by id desc` is newest first and a time bound
-- is an id bound (`id >= idAtTime(t)`). A second index on created_at would only slow writes.
create index posts_author_id_idx on posts.posts (author_id, id desc) where deleted_at is null;

-- A post's photos in the author's order. media_id is the key: a photo belongs to one post at
-- most, whatever becomes of that post, and media events find their post by it. Distributed by
-- media_id, so that uniqueness stays a shard-local constraint under sharding; for the same
-- reason there is no foreign key to posts.posts (the service writes both in one transaction).
create table posts.post_media (
  media_id bigint primary key,
  post_id bigint not null,
  position smallint not null,
  constraint post_media_position_check check (position between 0 and 9)
);

-- Hydration reads the photos of many posts at once, in order.
create index post_media_post_id_idx on posts.post_media (post_id, position);
