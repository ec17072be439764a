-- Notifications. The notification service owns this schema alone: its consumer writes it from
-- like, comment, follow and post events, and the recipient reads it. Every table carries
-- recipient_id, the column a sharded deployment (Citus) would distribute by, and leads its keys
-- with it, so that every write and every read stays on one shard.

create schema if not exists notifications;

-- The last seq handed out per recipient. Every transaction that changes a recipient's
-- notifications first takes its seq(s) here (`insert ... on conflict do update set last_seq =
-- greatest(last_seq + n, <fresh snowflake>) returning last_seq`) and holds this row's lock until
-- it commits. So one recipient's seqs are strictly increasing in commit order, and a live stream
-- that asks for "changes after seq X" never misses one that commits late. The lock serialises
-- one recipient's writers only; the known cost is that a celebrity's notification writes queue
-- behind each other.
create table notifications.recipients (
  recipient_id bigint primary key,
  last_seq bigint not null
);

-- One notification: a group of likes of one post or of follows within a window (group_key), or
-- one comment. Removal is a soft delete (removed_at, with a new seq, actors and body dropped), so
-- that ListChanges can report it; prune deletes such rows once every stream has seen them.
create table notifications.notifications (
  recipient_id bigint not null,
  id bigint not null,
  type text not null,
  -- `like:{postId}:{bucket}` or `follow:{bucket}`; null for comments, which are never grouped.
  group_key text,
  post_id bigint,
  comment_id bigint,
  -- At most 500 code points of the comment; cleared when the comment is deleted.
  comment_body text,
  -- Kept with the actors, in the same transaction: lists read no actor rows.
  actor_count integer not null,
  -- The three newest actors, newest first.
  recent_actor_ids bigint[] not null default '{}',
  -- The time of the newest actor's event.
  updated_at timestamptz not null,
  created_at timestamptz not null,
  -- The change sequence: a new one (from notifications.recipients) at every change.
  seq bigint not null,
  read_at timestamptz,
  removed_at timestamptz,
  primary key (recipient_id, id),
  constraint notifications_type_check check (type in ('like', 'comment', 'follow')),
  constraint notifications_shape_check check (
    case type
      when 'like' then group_key is not null and post_id is not null and comment_id is null
      when 'follow' then group_key is not null and post_id is null and comment_id is null
      else group_key is null and post_id is not null and comment_id is not null
    end
  )
);

-- ListNotifications (newest change first, keyset on seq) and ListChanges (changes and removals
-- after a seq, oldest first) are one range of this index each. Unique: one recipient never hands
-- out a seq twice.
create unique index notifications_seq_idx on notifications.notifications (recipient_id, seq);

-- At most one open (unread, not removed) notification per group: the target of the consumer's
-- `insert ... on conflict do update`, so that concurrent consumers can never open two. A group
-- that was read leaves the index, and the next like opens a new one.
create unique index notifications_open_group_idx on notifications.notifications (recipient_id, group_key)
  where read_at is null and removed_at is null;

-- The unread ones: GetUnreadCount (an index-only count of the recipient's entries), MarkRead, and
-- the groups an unlike or an unfollow takes its actor out of (type, post).
create index notifications_unread_idx on notifications.notifications (recipient_id, type, post_id)
  where read_at is null and removed_at is null;

-- Everything about a post, read or not: what post.deleted removes.
create index notifications_post_idx on notifications.notifications (recipient_id, post_id)
  where post_id is not null and removed_at is null;

-- One notification per comment, whatever the redeliveries (removed ones included, so a late
-- duplicate of comment.created cannot bring a deleted comment back); what comment.deleted finds.
create unique index notifications_comment_idx on notifications.notifications (recipient_id, comment_id)
  where comment_id is not null;

-- Removed rows, by age, for prune (few: partial on them alone).
create index notifications_removed_idx on notifications.notifications (removed_at)
  where removed_at is not null;

-- Who acted, one row per (notification, actor), with the time of their event: an actor who likes,
-- unlikes and likes again counts once. Only live notifications have actors.
create table notifications.actors (
  recipient_id bigint not null,
  notification_id bigint not null,
  actor_id bigint not null,
  acted_at timestamptz not null,
  primary key (recipient_id, notification_id, actor_id)
);

-- The three newest actors of a notification: the first entries of its range.
create index actors_newest_idx on notifications.actors (recipient_id, notification_id, acted_at desc, actor_id desc);

-- The events already applied, written in the same transaction as their effect: a redelivered
-- event finds its row and changes nothing. Keyed by recipient too, like every table here (the
-- recipient follows from the event, so (recipient_id, event_id) is as unique as the event id).
create table notifications.processed_events (
  recipient_id bigint not null,
  event_id bigint not null,
  processed_at timestamptz not null,
  primary key (recipient_id, event_id)
);

-- prune: records older than the bus's redelivery window.
create index processed_events_processed_at_idx on notifications.processed_events (processed_at);

-- What removals withdrew. A removal travels on a topic of its own (like.removed, follow.removed,
-- comment.deleted, post.deleted) and Kafka orders nothing across topics, so it may be consumed
-- before the creation it undoes. Every removal records its withdrawal here, under the
-- recipient's lock, and a creation that finds one is not applied:
-- - like, follow: one per (target, actor), at the time of the newest removal; a creation at or
--   before that time is withdrawn, a newer one (a like again after the unlike) is not;
-- - comment: a deleted comment never comes back, whatever the times;
-- - post: nothing about a deleted post is notified any more, whoever acted.
-- No content is kept: a comment consumed after its deletion is never stored at all.
create table notifications.withdrawals (
  recipient_id bigint not null,
  kind text not null,
  -- The post (like, post) or the comment (comment); 0 for a follow, whose target is the recipient.
  target_id bigint not null,
  -- Who withdrew (like, follow); 0 for a comment or a post, which withdraw whoever acted.
  actor_id bigint not null,
  -- The newest removal's own time (its payload's removedAt or deletedAt).
  occurred_at timestamptz not null,
  -- When the newest removal was applied: what prune goes by, as for processed_events, so that a
  -- removal consumed late keeps its withdrawal for the whole redelivery window.
  recorded_at timestamptz not null,
  -- Every creation looks up its withdrawals by this key: one or two point reads.
  primary key (recipient_id, kind, target_id, actor_id),
  constraint withdrawals_kind_check check (kind in ('like', 'follow', 'comment', 'post'))
);

-- prune: withdrawals older than the bus's redelivery window.
create index withdrawals_recorded_at_idx on notifications.withdrawals (recorded_at);
