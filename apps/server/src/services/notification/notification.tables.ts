import type { ColumnType } from 'kysely';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;
/** A nullable int8 set once, on insert. */
type FixedNullableInt8 = ColumnType<string | null, string | null | undefined, never>;

export type NotificationKind = 'like' | 'comment' | 'follow';

/** `notifications.notifications`: live and (until pruned) removed notifications. */
export interface NotificationRow {
  recipient_id: ColumnType<string, string, never>;
  id: ColumnType<string, string, never>;
  type: ColumnType<NotificationKind, NotificationKind, never>;
  group_key: ColumnType<string | null, string | null | undefined, never>;
  post_id: FixedNullableInt8;
  comment_id: FixedNullableInt8;
  /** Only ever cleared after the insert (when the comment is deleted). */
  comment_body: ColumnType<string | null, string | null | undefined, null>;
  actor_count: ColumnType<number, number, number>;
  /** bigint[]; written by SQL from the actors, never from application values. */
  recent_actor_ids: ColumnType<string[], never, never>;
  updated_at: ColumnType<Date, Date, Date>;
  created_at: ColumnType<Date, Date, never>;
  seq: Int8;
  read_at: ColumnType<Date | null, never, Date>;
  removed_at: ColumnType<Date | null, never, Date>;
}

/** `notifications.actors`: who acted in a live notification, and when. */
export interface ActorRow {
  recipient_id: ColumnType<string, string, never>;
  notification_id: ColumnType<string, string, never>;
  actor_id: ColumnType<string, string, never>;
  /** Moved up when the actor acts again (a like after an unlike) before the unlike is consumed. */
  acted_at: ColumnType<Date, Date, Date>;
}

/** `notifications.recipients`: the last seq handed out per recipient. */
export interface RecipientRow {
  recipient_id: ColumnType<string, string, never>;
  last_seq: Int8;
}

/** `notifications.processed_events`: the events already applied. */
export interface ProcessedEventRow {
  recipient_id: ColumnType<string, string, never>;
  event_id: ColumnType<string, string, never>;
  processed_at: ColumnType<Date, Date, never>;
}

/** What a removal withdrew: the likes or follows of an actor, a comment, or a post. */
export type WithdrawalKind = 'like' | 'follow' | 'comment' | 'post';

/** `notifications.withdrawals`: what removals withdrew, so that a late creation is not applied. */
export interface WithdrawalRow {
  recipient_id: ColumnType<string, string, never>;
  kind: ColumnType<WithdrawalKind, WithdrawalKind, never>;
  /** The post or the comment; '0' for a follow. */
  target_id: ColumnType<string, string, never>;
  /** The actor of a like or follow; '0' for a comment or a post. */
  actor_id: ColumnType<string, string, never>;
  occurred_at: ColumnType<Date, Date, Date>;
  recorded_at: ColumnType<Date, Date, Date>;
}

/** The `notifications` schema, owned by the notification service alone. */
export interface NotificationsTables {
  'notifications.notifications': NotificationRow;
  'notifications.actors': ActorRow;
  'notifications.recipients': RecipientRow;
  'notifications.processed_events': ProcessedEventRow;
  'notifications.withdrawals': WithdrawalRow;
}
