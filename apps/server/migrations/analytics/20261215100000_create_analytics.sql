-- Analytics. The analytics service owns this schema alone; it is fed by events and reads no
-- other service's tables. Only aggregates leave it: the one table naming viewers
-- (impression_dedup) keeps a row two days after writing it.

create schema if not exists analytics;

-- Every event applied, inserted in the transaction that applies it, so that a redelivered event
-- (delivery is at least once) changes nothing. Pruned by processed_at once no redelivery can
-- come any more.
create table analytics.processed_events (
  event_id bigint primary key,
  processed_at timestamptz not null
);

create index processed_events_processed_at_idx on analytics.processed_events (processed_at);

-- The author and lifecycle of each post, from post.published and post.deleted (or from the post
-- service, when an impression names a post whose post.published was not consumed yet), so that
-- an impression is attributed without a call per impression. published_at is null when the
-- deletion was seen first.
create table analytics.posts (
  post_id bigint primary key,
  author_id bigint not null,
  published_at timestamptz,
  deleted_at timestamptz
);

-- Hourly roll-ups, keyed by the hour of each event (not of its processing), so that a consumer
-- catching up after an outage files events where they happened. Figures are net: an unlike
-- takes one like off the hour of the unlike. Distributed by author_id.
-- A popular creator's hour is written by every batch of every viewer: it is spread over 8 rows
-- (a hash of the event id), so that those writes do not queue on one row lock; readers sum the
-- shards.
create table analytics.author_hourly (
  author_id bigint not null,
  hour timestamptz not null,
  shard smallint not null,
  followers_gained bigint not null default 0,
  followers_lost bigint not null default 0,
  likes bigint not null default 0,
  comments bigint not null default 0,
  impressions bigint not null default 0,
  primary key (author_id, hour, shard),
  constraint author_hourly_shard_check check (shard between 0 and 7)
);

-- The same per post; distributed by post_id, with its author for the creator's top posts.
create table analytics.post_hourly (
  post_id bigint not null,
  hour timestamptz not null,
  author_id bigint not null,
  likes bigint not null default 0,
  comments bigint not null default 0,
  impressions bigint not null default 0,
  primary key (post_id, hour)
);

-- A creator's top posts over a period: one range of the author's rows.
create index post_hourly_author_idx on analytics.post_hourly (author_id, hour);

-- An impression counts once per viewer, post and hour: `insert ... on conflict do nothing
-- returning` says which ones are new. Distributed by viewer_id (impressions.recorded is keyed by
-- the viewer). Pruned by counted_at, when the row was written, not by the hour it keys: a backlog
-- replayed hours late writes rows of old hours that later batches of those hours must still
-- meet (see IMPRESSION_DEDUP_RETENTION_MS).
create table analytics.impression_dedup (
  viewer_id bigint not null,
  post_id bigint not null,
  hour timestamptz not null,
  counted_at timestamptz not null,
  primary key (viewer_id, post_id, hour)
);

create index impression_dedup_counted_at_idx on analytics.impression_dedup (counted_at);

-- System-wide events per minute, for operators. Each minute is spread over 16 rows (a hash of
-- the event id), so that the consumers counting one busy minute do not queue on one row lock;
-- readers sum the shards.
create table analytics.minute_stats (
  minute timestamptz not null,
  shard smallint not null,
  likes bigint not null default 0,
  comments bigint not null default 0,
  posts bigint not null default 0,
  follows bigint not null default 0,
  impressions bigint not null default 0,
  primary key (minute, shard),
  constraint minute_stats_shard_check check (shard between 0 and 15)
);
