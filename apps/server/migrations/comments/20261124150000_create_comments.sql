-- Comments on posts. The comment service owns this schema alone.
create schema if not exists comments;

-- The comments, bodies and all: the bulk of the data, growing without end, so partitioned by
-- month on created_at. Old months can be detached, archived or dropped whole, and recent ones
-- stay small enough for their indexes to live in memory. created_at is the timestamp of the
-- comment's id (the service derives it from the id), so ids and created_at sort alike.
--
-- The primary key leads with post_id: a partitioned table's keys must hold the partition key
-- (created_at), and (post_id, id) is exactly the order ListComments reads, a post's comments
-- oldest first, so the key's index serves the listing in every partition with no sort and no
-- second index. The listing also bounds created_at from below (the post's time, the cursor's
-- time), which prunes every month before the post. post_id is also what a sharded deployment
-- would distribute this table by: a post's comments on one shard.
--
-- id alone is unique too (comment_index's key); this table cannot enforce it, its unique
-- keys being per partition.
create table comments.comments (
  id bigint not null,
  post_id bigint not null,
  author_id bigint not null,
  -- Exactly as written; the service bounds it (1..2200 code points).
  body text not null,
  created_at timestamptz not null,
  -- Soft delete: the row stays, so a retried delete finds it and changes nothing.
  deleted_at timestamptz,
  primary key (post_id, id, created_at)
) partition by range (created_at);

-- Monthly partitions are created ahead of time by maintainCommentPartitions
-- (src/services/comment/comment.partitions.ts, on ensureMonthlyPartitions). This one only
-- catches rows no monthly partition covers yet, so that an insert never fails for want of one;
-- the maintenance moves such rows into their month when it creates it.
create table comments.comments_default partition of comments.comments default;

-- A global index of the comments, one narrow row each, not partitioned: what deleting a
-- comment by id, and counting a post's comments, read without touching (or scanning every
-- partition of) the big table. Written in the same transaction as the comment.
--  * DeleteComment: the key gives the post, both authors (who may delete) and created_at, which
--    names the one partition the comment's row is in.
--  * Counters rebuilt or reconciled: COUNT(*) of a post's live comments is an index-only scan
--    of comment_index_post_id_idx, one btree descent whatever the number of partitions.
--  * Reconcile: the posts commented on recently are a range of the key (ids are time-sortable),
--    those with a recent delete a range of comment_index_deleted_idx.
create table comments.comment_index (
  id bigint primary key,
  post_id bigint not null,
  -- Kept from when the comment was made: the post's author may delete it, and is told of it.
  post_author_id bigint not null,
  author_id bigint not null,
  created_at timestamptz not null,
  deleted_at timestamptz
);

-- Live comments per post: the counts.
create index comment_index_post_id_idx on comments.comment_index (post_id) where deleted_at is null;

-- Recent deletes (few: partial on them alone), for Reconcile.
create index comment_index_deleted_idx on comments.comment_index (deleted_at) where deleted_at is not null;
