import { sql, type Kysely, type Transaction } from 'kysely';

import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { NotificationKind, NotificationsTables, WithdrawalKind } from './notification.tables.js';

/** A notification as stored; `removed` ones are only ever listed as changes. */
export interface NotificationRecord {
  id: string;
  type: NotificationKind;
  /** At most three, newest first. */
  actorIds: string[];
  actorCount: number;
  postId: string | undefined;
  commentId: string | undefined;
  commentBody: string | undefined;
  /** The time of the newest actor's event. */
  updatedAt: Date;
  read: boolean;
  seq: string;
  removed: boolean;
}

/** What every write carries: the event it applies, whose notifications it changes, and when. */
export interface Delivery {
  /** Recorded with the change: the same event delivered again changes nothing. */
  eventId: string;
  recipientId: string;
  /** When it is applied: the time of its record, and of any removal it makes. */
  processedAt: Date;
}

/** The likes of one post, or the follows of the recipient. */
export type GroupTarget = { type: 'like'; postId: string } | { type: 'follow' };

export interface GroupedActivity extends Delivery {
  target: GroupTarget;
  /** The open group this activity joins (see likeGroupKey, followGroupKey). */
  groupKey: string;
  actorId: string;
  actedAt: Date;
}

export interface CommentActivity extends Delivery {
  postId: string;
  commentId: string;
  /** As stored: already cut to COMMENT_EXCERPT_MAX_LENGTH. */
  body: string;
  actorId: string;
  actedAt: Date;
}

export interface ActorWithdrawal extends Delivery {
  target: GroupTarget;
  actorId: string;
  /** The removal's own time: the actor's likes or follows up to it are withdrawn, later ones not. */
  removedAt: Date;
}

/** A recipient's unread count and newest seq, read together (one snapshot). */
export interface UnreadState {
  unread: number;
  /** The last seq handed out to the recipient; "0" before their first notification. */
  latestSeq: string;
}

export interface MarkReadResult extends UnreadState {
  /** How many notifications this call marked read. */
  marked: number;
}

/**
 * The recipient's notifications. Every write is one transaction that records its event (a
 * duplicate returns false at once) and takes its seqs from `notifications.recipients`, and
 * returns true when it changed the recipient's notifications.
 *
 * Removals and creations arrive on different topics, in either order. So every removal also
 * records a withdrawal (whether it found something to remove or not), and a creation that a
 * withdrawal already covers is not applied: a like or follow when its actor withdrew it at the
 * same time or later, a comment once deleted, anything about a deleted post. Both happen under
 * the recipient's lock, so a creation and its removal never miss each other.
 */
export interface NotificationsRepository {
  /**
   * Adds the actor to the open group of `groupKey`, opening it when there is none; an actor in
   * it already keeps the newer of their two times.
   */
  addToGroup(activity: GroupedActivity): Promise<boolean>;
  /** One notification for the comment (a second one for the same comment is never made). */
  addComment(activity: CommentActivity): Promise<boolean>;
  /**
   * Takes the actor out of the unread groups of the target where they acted at or before
   * `removedAt` (read ones are history and keep them; a newer like or follow stays), removing a
   * group whose last actor this was.
   */
  withdrawActor(withdrawal: ActorWithdrawal): Promise<boolean>;
  /** Removes the comment's notification, read or not, body and all, now and for good. */
  removeComment(delivery: Delivery, commentId: string, deletedAt: Date): Promise<boolean>;
  /** Removes every notification about the post, now and for good. */
  removePost(delivery: Delivery, postId: string, deletedAt: Date): Promise<boolean>;
  /** Live notifications by seq, descending, below `beforeSeq` when given; at most `limit`. */
  list(recipientId: string, beforeSeq: string | undefined, limit: number): Promise<NotificationRecord[]>;
  /** Every notification, removed ones included, with a seq above `afterSeq`, ascending; at most `limit`. */
  changes(recipientId: string, afterSeq: string, limit: number): Promise<NotificationRecord[]>;
  unreadState(recipientId: string): Promise<UnreadState>;
  /**
   * Marks read the unread notifications, all or those with a seq up to `upTo`'s; undefined (and
   * nothing marked) when `upTo` is not one of the recipient's notifications.
   */
  markRead(recipientId: string, upTo: string | undefined, readAt: Date): Promise<MarkReadResult | undefined>;
  /** Deletes at most `limit` notifications removed before `olderThan`; returns how many. */
  pruneRemoved(olderThan: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` records of events processed before `olderThan`; returns how many. */
  pruneProcessed(olderThan: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` withdrawals recorded before `olderThan`; returns how many. */
  pruneWithdrawals(olderThan: Date, limit: number): Promise<number>;
}

/** Stored on the row, so lists never read the actors. */
const RECENT_ACTORS = 3;

/** In a withdrawal's key: no target (a follow's is the recipient) or no actor (comment, post). */
const NONE = '0';

/** What a removal withdrew (see notifications.withdrawals). */
interface WithdrawalKey {
  kind: WithdrawalKind;
  targetId: string;
  actorId: string;
}

/**
 * A withdrawal that would cancel a creation: one of `key`, and, when `at` is given (likes and
 * follows), no older than the creation's time `at`.
 */
interface WithdrawalCheck {
  key: WithdrawalKey;
  at?: Date;
}

type Trx = Transaction<NotificationsTables>;

export class SqlNotificationsRepository implements NotificationsRepository {
  private readonly db: Kysely<NotificationsTables>;

  /** @param ids notification ids, and the fresh snowflake each seq allocation starts from. */
  constructor(
    database: SqlDatabase,
    private readonly ids: { next(): string },
  ) {
    this.db = database.kysely<NotificationsTables>();
  }

  addToGroup(activity: GroupedActivity): Promise<boolean> {
    const { recipientId, target, actorId, actedAt } = activity;
    return this.write(activity, async (trx, seqs) => {
      const checks: WithdrawalCheck[] = [{ key: groupWithdrawal(target, actorId), at: actedAt }];
      if (target.type === 'like') checks.push({ key: postWithdrawal(target.postId) });
      if (await isWithdrawn(trx, recipientId, checks)) return false;
      const seq = await seqs.next();
      // Concurrent consumers of one recipient are already serialised by the seq lock; the
      // partial unique index is what makes two open groups impossible whatever the caller.
      const group = await trx
        .insertInto('notifications.notifications')
        .values({
          recipient_id: activity.recipientId,
          id: this.ids.next(),
          type: activity.target.type,
          group_key: activity.groupKey,
          post_id: activity.target.type === 'like' ? activity.target.postId : null,
          actor_count: 0,
          updated_at: activity.actedAt,
          created_at: activity.actedAt,
          seq,
        })
        .onConflict((oc) =>
          oc
            .columns(['recipient_id', 'group_key'])
            .where('read_at', 'is', null)
            .where('removed_at', 'is', null)
            // A write that changes nothing, so that `returning` gives the open group's id.
            .doUpdateSet({ actor_count: sql<number>`notifications.actor_count` }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      const delta = await joinActor(trx, recipientId, group.id, actorId, actedAt);
      if (delta === undefined) return false;
      await refreshActors(trx, recipientId, group.id, delta, seq);
      return true;
    });
  }

  addComment(activity: CommentActivity): Promise<boolean> {
    return this.write(activity, async (trx, seqs) => {
      const checks = [
        { key: commentWithdrawal(activity.commentId) },
        { key: postWithdrawal(activity.postId) },
      ];
      // Checked before anything is written: the body of a deleted comment is never stored.
      if (await isWithdrawn(trx, activity.recipientId, checks)) return false;
      const seq = await seqs.next();
      const inserted = await trx
        .insertInto('notifications.notifications')
        .values({
          recipient_id: activity.recipientId,
          id: this.ids.next(),
          type: 'comment',
          post_id: activity.postId,
          comment_id: activity.commentId,
          comment_body: activity.body,
          actor_count: 0,
          updated_at: activity.actedAt,
          created_at: activity.actedAt,
          seq,
        })
        .onConflict((oc) =>
          oc.columns(['recipient_id', 'comment_id']).where('comment_id', 'is not', null).doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) return false;
      await joinActor(trx, activity.recipientId, inserted.id, activity.actorId, activity.actedAt);
      await refreshActors(trx, activity.recipientId, inserted.id, 1, seq);
      return true;
    });
  }

  withdrawActor(withdrawal: ActorWithdrawal): Promise<boolean> {
    const { recipientId, actorId, target, removedAt } = withdrawal;
    return this.write(withdrawal, async (trx, seqs) => {
      await recordWithdrawal(trx, withdrawal, groupWithdrawal(target, actorId), removedAt);
      let query = trx
        .selectFrom('notifications.notifications as n')
        .select(['n.id', 'n.actor_count'])
        .where('n.recipient_id', '=', recipientId)
        .where('n.type', '=', target.type)
        .where('n.read_at', 'is', null)
        .where('n.removed_at', 'is', null)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('notifications.actors as a')
              .select('a.actor_id')
              .where('a.recipient_id', '=', recipientId)
              .whereRef('a.notification_id', '=', 'n.id')
              .where('a.actor_id', '=', actorId)
              // A newer like or follow (again, after this removal) stays.
              .where('a.acted_at', '<=', removedAt),
          ),
        )
        .orderBy('n.seq');
      query =
        target.type === 'like'
          ? query.where('n.post_id', '=', target.postId)
          : query.where('n.post_id', 'is', null);
      const groups = await query.execute();
      if (groups.length === 0) return false;

      const groupSeqs = await seqs.take(groups.length);
      await trx
        .deleteFrom('notifications.actors')
        .where('recipient_id', '=', recipientId)
        .where('notification_id', '=', anyId(groups.map((group) => group.id)))
        .where('actor_id', '=', actorId)
        .execute();
      const emptied: string[] = [];
      const emptiedSeqs: string[] = [];
      for (const [index, group] of groups.entries()) {
        const seq = at(groupSeqs, index);
        if (group.actor_count > 1) {
          await refreshActors(trx, recipientId, group.id, -1, seq);
        } else {
          emptied.push(group.id);
          emptiedSeqs.push(seq);
        }
      }
      await tombstone(trx, recipientId, emptied, emptiedSeqs, withdrawal.processedAt);
      return true;
    });
  }

  removeComment(delivery: Delivery, commentId: string, deletedAt: Date): Promise<boolean> {
    return this.write(delivery, async (trx, seqs) => {
      await recordWithdrawal(trx, delivery, commentWithdrawal(commentId), deletedAt);
      const found = await trx
        .selectFrom('notifications.notifications')
        .select('id')
        .where('recipient_id', '=', delivery.recipientId)
        .where('comment_id', '=', commentId)
        .where('removed_at', 'is', null)
        .execute();
      return this.removeAll(trx, seqs, delivery, found);
    });
  }

  removePost(delivery: Delivery, postId: string, deletedAt: Date): Promise<boolean> {
    return this.write(delivery, async (trx, seqs) => {
      await recordWithdrawal(trx, delivery, postWithdrawal(postId), deletedAt);
      const found = await trx
        .selectFrom('notifications.notifications')
        .select('id')
        .where('recipient_id', '=', delivery.recipientId)
        .where('post_id', '=', postId)
        .where('removed_at', 'is', null)
        .orderBy('seq')
        .execute();
      return this.removeAll(trx, seqs, delivery, found);
    });
  }

  async list(
    recipientId: string,
    beforeSeq: string | undefined,
    limit: number,
  ): Promise<NotificationRecord[]> {
    // notifications_seq_idx backwards from the cursor; removed rows (few: pruned) are skipped.
    let query = this.selectRecords()
      .where('recipient_id', '=', recipientId)
      .where('removed_at', 'is', null)
      .orderBy('seq', 'desc')
      .limit(limit);
    if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
    return (await query.execute()).map(toRecord);
  }

  async changes(recipientId: string, afterSeq: string, limit: number): Promise<NotificationRecord[]> {
    const rows = await this.selectRecords()
      .where('recipient_id', '=', recipientId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  unreadState(recipientId: string): Promise<UnreadState> {
    return unreadState(this.db, recipientId);
  }

  markRead(recipientId: string, upTo: string | undefined, readAt: Date): Promise<MarkReadResult | undefined> {
    return this.db.transaction().execute(async (trx) => {
      // The recipient's lock, taken first like every writer's: without it, marking many rows
      // read could deadlock with a consumer removing several of them in another order.
      await trx
        .selectFrom('notifications.recipients')
        .select('last_seq')
        .where('recipient_id', '=', recipientId)
        .forUpdate()
        .execute();
      let query = trx
        .updateTable('notifications.notifications')
        .set({ read_at: readAt })
        .where('recipient_id', '=', recipientId)
        .where('read_at', 'is', null)
        .where('removed_at', 'is', null);
      if (upTo !== undefined) {
        // A removed one counts: it was the recipient's, and its seq is its last change.
        const bound = await trx
          .selectFrom('notifications.notifications')
          .select('seq')
          .where('recipient_id', '=', recipientId)
          .where('id', '=', upTo)
          .executeTakeFirst();
        if (bound === undefined) return undefined;
        query = query.where('seq', '<=', bound.seq);
      }
      const { numUpdatedRows } = await query.executeTakeFirstOrThrow();
      return { marked: Number(numUpdatedRows), ...(await unreadState(trx, recipientId)) };
    });
  }

  async pruneRemoved(olderThan: Date, limit: number): Promise<number> {
    // Batched through the key, so that each statement locks and logs a bounded number of rows.
    const result = await sql`
      delete from notifications.notifications
      where (recipient_id, id) in (
        select recipient_id, id from notifications.notifications where removed_at < ${olderThan} limit ${limit}
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  async pruneProcessed(olderThan: Date, limit: number): Promise<number> {
    const result = await sql`
      delete from notifications.processed_events
      where (recipient_id, event_id) in (
        select recipient_id, event_id from notifications.processed_events where processed_at < ${olderThan} limit ${limit}
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  async pruneWithdrawals(olderThan: Date, limit: number): Promise<number> {
    const result = await sql`
      delete from notifications.withdrawals
      where (recipient_id, kind, target_id, actor_id) in (
        select recipient_id, kind, target_id, actor_id from notifications.withdrawals
        where recorded_at < ${olderThan} limit ${limit}
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  /**
   * One write: records the event (a duplicate stops here, before any lock), takes the
   * recipient's lock through its first seq, then runs `work`.
   */
  private write(
    delivery: Delivery,
    work: (trx: Trx, seqs: RecipientSeqs) => Promise<boolean>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const recorded = await trx
        .insertInto('notifications.processed_events')
        .values({
          recipient_id: delivery.recipientId,
          event_id: delivery.eventId,
          processed_at: delivery.processedAt,
        })
        .onConflict((oc) => oc.columns(['recipient_id', 'event_id']).doNothing())
        .returning('event_id')
        .executeTakeFirst();
      if (recorded === undefined) return false;
      const seqs = await RecipientSeqs.lock(trx, delivery.recipientId, this.ids);
      return work(trx, seqs);
    });
  }

  private async removeAll(
    trx: Trx,
    seqs: RecipientSeqs,
    delivery: Delivery,
    found: ReadonlyArray<{ id: string }>,
  ): Promise<boolean> {
    if (found.length === 0) return false;
    const ids = found.map((row) => row.id);
    await tombstone(trx, delivery.recipientId, ids, await seqs.take(ids.length), delivery.processedAt);
    return true;
  }

  private selectRecords() {
    return this.db
      .selectFrom('notifications.notifications')
      .select([
        'id',
        'type',
        'recent_actor_ids',
        'actor_count',
        'post_id',
        'comment_id',
        'comment_body',
        'updated_at',
        'read_at',
        'seq',
        'removed_at',
      ]);
  }
}

/**
 * Hands out one recipient's seqs inside a transaction. The first allocation locks the
 * recipient's row until the transaction ends: every writer of the recipient's notifications
 * takes it first, so they run one at a time, in the order of their seqs, and what one reads
 * cannot change under it. Writers of different recipients never wait for each other. The cost:
 * a celebrity's notifications are written one transaction at a time.
 */
class RecipientSeqs {
  /** Allocated by `lock` and not handed out yet. */
  private reserved: string | undefined;

  private constructor(
    private readonly trx: Trx,
    private readonly recipientId: string,
    private readonly ids: { next(): string },
  ) {}

  static async lock(trx: Trx, recipientId: string, ids: { next(): string }): Promise<RecipientSeqs> {
    const seqs = new RecipientSeqs(trx, recipientId, ids);
    [seqs.reserved] = await seqs.allocate(1);
    return seqs;
  }

  async next(): Promise<string> {
    return at(await this.take(1), 0);
  }

  /** `count` new seqs, ascending. A transaction that ends up changing nothing leaves a gap. */
  async take(count: number): Promise<string[]> {
    const reserved = this.reserved;
    if (reserved === undefined) return this.allocate(count);
    this.reserved = undefined;
    return count === 1 ? [reserved] : [reserved, ...(await this.allocate(count - 1))];
  }

  /**
   * Moves last_seq up by `count` at least, and up to a fresh snowflake when that is higher, so
   * that seqs also sort by time across recipients; returns the `count` seqs up to the new value.
   */
  private async allocate(count: number): Promise<string[]> {
    const { last_seq } = await this.trx
      .insertInto('notifications.recipients')
      .values({ recipient_id: this.recipientId, last_seq: this.ids.next() })
      .onConflict((oc) =>
        oc.column('recipient_id').doUpdateSet({
          last_seq: sql<string>`greatest(recipients.last_seq + ${count}, excluded.last_seq)`,
        }),
      )
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    const top = BigInt(last_seq);
    return Array.from({ length: count }, (_, index) => String(top - BigInt(count - 1 - index)));
  }
}

/**
 * Puts the actor in the notification at `actedAt`: 1 when they were not in it; 0 when they were,
 * at an older time (they liked again after an unlike not consumed yet, which must then leave this
 * newer like in); undefined when nothing changed (a like delivered again after its record was
 * pruned). Under the recipient's lock, so the read cannot go stale.
 */
async function joinActor(
  trx: Trx,
  recipientId: string,
  notificationId: string,
  actorId: string,
  actedAt: Date,
): Promise<1 | 0 | undefined> {
  const actor = trx
    .selectFrom('notifications.actors')
    .where('recipient_id', '=', recipientId)
    .where('notification_id', '=', notificationId)
    .where('actor_id', '=', actorId);
  const current = await actor.select('acted_at').executeTakeFirst();
  if (current === undefined) {
    await trx
      .insertInto('notifications.actors')
      .values({
        recipient_id: recipientId,
        notification_id: notificationId,
        actor_id: actorId,
        acted_at: actedAt,
      })
      .execute();
    return 1;
  }
  if (current.acted_at.getTime() >= actedAt.getTime()) return undefined;
  await trx
    .updateTable('notifications.actors')
    .set({ acted_at: actedAt })
    .where('recipient_id', '=', recipientId)
    .where('notification_id', '=', notificationId)
    .where('actor_id', '=', actorId)
    .execute();
  return 0;
}

function groupWithdrawal(target: GroupTarget, actorId: string): WithdrawalKey {
  return target.type === 'like'
    ? { kind: 'like', targetId: target.postId, actorId }
    : { kind: 'follow', targetId: NONE, actorId };
}

function commentWithdrawal(commentId: string): WithdrawalKey {
  return { kind: 'comment', targetId: commentId, actorId: NONE };
}

function postWithdrawal(postId: string): WithdrawalKey {
  return { kind: 'post', targetId: postId, actorId: NONE };
}

/**
 * Records the withdrawal of `key` by a removal of `occurredAt`, keeping the newer time when there
 * is one already (removals arrive in any order, and a redelivery changes nothing).
 */
async function recordWithdrawal(
  trx: Trx,
  delivery: Delivery,
  key: WithdrawalKey,
  occurredAt: Date,
): Promise<void> {
  await trx
    .insertInto('notifications.withdrawals')
    .values({
      recipient_id: delivery.recipientId,
      kind: key.kind,
      target_id: key.targetId,
      actor_id: key.actorId,
      occurred_at: occurredAt,
      recorded_at: delivery.processedAt,
    })
    .onConflict((oc) =>
      oc.columns(['recipient_id', 'kind', 'target_id', 'actor_id']).doUpdateSet({
        occurred_at: sql<Date>`greatest(withdrawals.occurred_at, excluded.occurred_at)`,
        recorded_at: sql<Date>`greatest(withdrawals.recorded_at, excluded.recorded_at)`,
      }),
    )
    .execute();
}

/** Whether one of `checks` finds its withdrawal: at most one point read of the key per check. */
async function isWithdrawn(
  trx: Trx,
  recipientId: string,
  checks: readonly WithdrawalCheck[],
): Promise<boolean> {
  const found = await trx
    .selectFrom('notifications.withdrawals')
    .select('kind')
    .where('recipient_id', '=', recipientId)
    .where((eb) =>
      eb.or(
        checks.map(({ key, at }) =>
          eb.and([
            eb('kind', '=', key.kind),
            eb('target_id', '=', key.targetId),
            eb('actor_id', '=', key.actorId),
            // Not older: a removal at the very time of the creation undoes it.
            ...(at === undefined ? [] : [eb('occurred_at', '>=', at)]),
          ]),
        ),
      ),
    )
    .limit(1)
    .executeTakeFirst();
  return found !== undefined;
}

/**
 * After an actor joined (+1), acted again (0) or left (-1) a notification that keeps at least one: its count,
 * its newest actors and its time from the actor rows (the first entries of actors_newest_idx),
 * and its new seq.
 */
async function refreshActors(
  trx: Trx,
  recipientId: string,
  notificationId: string,
  delta: 1 | 0 | -1,
  seq: string,
): Promise<void> {
  await sql`
    update notifications.notifications as n
    set actor_count = n.actor_count + ${delta},
        recent_actor_ids = newest.actor_ids,
        updated_at = newest.acted_at,
        seq = ${seq}
    from (
      select array_agg(actor_id order by acted_at desc, actor_id desc) as actor_ids, max(acted_at) as acted_at
      from (
        select actor_id, acted_at
        from notifications.actors
        where recipient_id = ${recipientId} and notification_id = ${notificationId}
        order by acted_at desc, actor_id desc
        limit ${RECENT_ACTORS}
      ) as top
    ) as newest
    where n.recipient_id = ${recipientId} and n.id = ${notificationId}`.execute(trx);
}

/**
 * Removes the notifications `ids`, each with its seq of `seqs`: the row stays (for ListChanges)
 * without its actors and comment body, which must not outlive what they came from.
 */
async function tombstone(
  trx: Trx,
  recipientId: string,
  ids: readonly string[],
  seqs: readonly string[],
  removedAt: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update notifications.notifications as n
    set removed_at = ${removedAt}, seq = removal.seq, comment_body = null, actor_count = 0, recent_actor_ids = '{}'
    from unnest(${ids}::bigint[], ${seqs}::bigint[]) as removal (id, seq)
    where n.recipient_id = ${recipientId} and n.id = removal.id`.execute(trx);
  await trx
    .deleteFrom('notifications.actors')
    .where('recipient_id', '=', recipientId)
    .where('notification_id', '=', anyId(ids))
    .execute();
}

/**
 * The unread count (an index-only count of the recipient's entries in notifications_unread_idx)
 * and the last seq, in one statement, so that they agree: a live stream that starts from them
 * misses no change and counts none twice.
 */
async function unreadState(db: Kysely<NotificationsTables>, recipientId: string): Promise<UnreadState> {
  const { rows } = await sql<{ unread: string; latest_seq: string | null }>`
    select
      (select count(*) from notifications.notifications
       where recipient_id = ${recipientId} and read_at is null and removed_at is null) as unread,
      (select last_seq from notifications.recipients where recipient_id = ${recipientId}) as latest_seq`.execute(
    db,
  );
  const row = at(rows, 0);
  return { unread: Number(row.unread), latestSeq: row.latest_seq ?? '0' };
}

function anyId(ids: readonly string[]) {
  return sql<string>`any(${[...ids]}::bigint[])`;
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`no item at ${index}`);
  return item;
}

interface RecordRow {
  id: string;
  type: NotificationKind;
  recent_actor_ids: string[];
  actor_count: number;
  post_id: string | null;
  comment_id: string | null;
  comment_body: string | null;
  updated_at: Date;
  read_at: Date | null;
  seq: string;
  removed_at: Date | null;
}

function toRecord(row: RecordRow): NotificationRecord {
  return {
    id: row.id,
    type: row.type,
    actorIds: row.recent_actor_ids,
    actorCount: row.actor_count,
    postId: row.post_id ?? undefined,
    commentId: row.comment_id ?? undefined,
    commentBody: row.comment_body ?? undefined,
    updatedAt: row.updated_at,
    read: row.read_at !== null,
    seq: row.seq,
    removed: row.removed_at !== null,
  };
}
