-- Likes. The like service owns this schema alone.
create schema if not exists likes;

-- The truth: a like exists once per (user, post), whatever the retries and races (`insert ...
-- on conflict do nothing`). Distributed by user_id, so that the uniqueness stays a shard-local
-- constraint and "which of these posts did the viewer like" (post hydration) is a probe of
-- this key. No foreign key to posts.posts: another service's schema.
create table likes.like_dedup (
  user_id bigint not null,
  post_id bigint not null,
  created_at timestamptz not null,
  primary key (user_id, post_id)
);

-- A post's likers newest first (ListLikers: keyset on (created_at, user_id), one forward
-- scan, no sort) and its like count (COUNT(*) when a counter is rebuilt or reconciled: an
-- index-only scan of one post's entries). user_id descending like created_at, so that the
-- cursor's row comparison is a single index bound.
create index like_dedup_post_idx on likes.like_dedup (post_id, created_at desc, user_id desc);

-- Every like and unlike as it happened, for analytics and for reconciliation (which posts'
-- counters moved recently). Append-only and partitioned by month on created_at: old months are
-- detached or dropped whole, recent ones stay small. The monthly partitions are created ahead
-- of time by maintainLikePartitions (src/services/like/like.partitions.ts); the DEFAULT
-- partition only catches rows no monthly partition covers yet, so that an insert never fails
-- for want of one. `id` is the id of the outbox event announcing the action.
create table likes.like_events (
  id bigint not null,
  user_id bigint not null,
  post_id bigint not null,
  action text not null,
  created_at timestamptz not null,
  -- A partitioned table's unique keys must hold the partition key.
  primary key (id, created_at),
  constraint like_events_action_check check (action in ('like', 'unlike'))
) partition by range (created_at);

create table likes.like_events_default partition of likes.like_events default;

-- Reconcile: the posts liked or unliked since a time (partitions outside the window are pruned).
create index like_events_created_post_idx on likes.like_events (created_at, post_id);
