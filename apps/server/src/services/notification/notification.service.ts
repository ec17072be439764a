import { z } from 'zod';

import {
  NotificationType,
  type GetUnreadCountRequest,
  type ListChangesRequest,
  type ListNotificationsRequest,
  type MarkReadRequest,
  type Notification,
  type NotificationChanges,
  type NotificationPage,
  type NotificationService,
  type UnreadCount,
} from '../../generated/glimpse/notification/v1/notification.js';
import { asError, DomainError } from '../../platform/errors.js';
import { isId } from '../../platform/ids/snowflake.js';
import { clampLimit, decodeCursor, toPage } from '../../platform/pagination/cursor.js';
import { deleteInBatches } from '../../platform/sql/batched-delete.js';
import {
  NOTIFICATION_GROUP_WINDOW_MS,
  commentExcerpt,
  followGroupKey,
  likeGroupKey,
} from './notification.rules.js';
import type { NotificationKind } from './notification.tables.js';
import type {
  Delivery,
  NotificationRecord,
  NotificationsRepository,
  UnreadState,
} from './notifications.repository.js';

/**
 * One event as the consumer read it, in the service's terms. `recipientId` is whose
 * notifications it changes; `eventId` makes a redelivery change nothing; `at` is when it
 * happened (a removal may be consumed before the creation it undoes: see NotificationsRepository).
 */
export type Activity =
  | { kind: 'like'; eventId: string; recipientId: string; actorId: string; postId: string; at: Date }
  | { kind: 'unlike'; eventId: string; recipientId: string; actorId: string; postId: string; at: Date }
  | { kind: 'follow'; eventId: string; recipientId: string; actorId: string; at: Date }
  | { kind: 'unfollow'; eventId: string; recipientId: string; actorId: string; at: Date }
  | {
      kind: 'comment';
      eventId: string;
      recipientId: string;
      actorId: string;
      postId: string;
      commentId: string;
      body: string;
      at: Date;
    }
  | {
      kind: 'comment-deleted';
      eventId: string;
      recipientId: string;
      actorId: string;
      commentId: string;
      at: Date;
    }
  | { kind: 'post-deleted'; eventId: string; recipientId: string; postId: string; at: Date };

export interface NotificationServiceDeps {
  notifications: NotificationsRepository;
  /**
   * Told, after the commit, of every recipient whose notifications changed (the wiring publishes
   * it, so that live streams catch up). Never for a duplicate or a change of nothing.
   */
  announce: (recipientId: string) => void;
  /** Told of every error `announce` threw (to log it); nothing by default. */
  onAnnounceError?: (err: Error) => void;
  /** Likes of a post and follows fall in one group per window this long (default NOTIFICATION_GROUP_WINDOW_MS). */
  groupWindowMs?: number;
  now?: () => Date;
}

export interface PruneResult {
  /** Removed notifications deleted for good. */
  notifications: number;
  /** Records of processed events deleted. */
  events: number;
  /** Withdrawals (of removals consumed before their creation could be) deleted. */
  withdrawals: number;
}

const TYPES: Record<NotificationKind, NotificationType> = {
  like: NotificationType.NOTIFICATION_TYPE_LIKE,
  comment: NotificationType.NOTIFICATION_TYPE_COMMENT,
  follow: NotificationType.NOTIFICATION_TYPE_FOLLOW,
};

// The seq goes into a bigint comparison: a bad one would be an SQL error.
const listCursor = z.object({ s: z.string().refine(isId) });

/**
 * Notifications: written from like, comment, follow and post events (`record`, called by
 * NotificationConsumer), read by their recipient. Transport-agnostic: the gateway and gRPC call
 * it alike.
 *
 * Likes of a post and follows are grouped per window while unread; a comment is a notification
 * of its own. Every change takes a new seq of the recipient, strictly increasing in commit
 * order, which orders lists and lets live streams ask what changed after the last one they saw.
 */
export class NotificationServiceImpl implements NotificationService {
  private readonly notifications: NotificationsRepository;
  private readonly announce: (recipientId: string) => void;
  private readonly onAnnounceError: (err: Error) => void;
  private readonly groupWindowMs: number;
  private readonly now: () => Date;

  constructor(deps: NotificationServiceDeps) {
    const groupWindowMs = deps.groupWindowMs ?? NOTIFICATION_GROUP_WINDOW_MS;
    if (!Number.isSafeInteger(groupWindowMs) || groupWindowMs <= 0) {
      throw new RangeError(
        `groupWindowMs must be a positive whole number of milliseconds, got ${groupWindowMs}`,
      );
    }
    this.notifications = deps.notifications;
    this.announce = deps.announce;
    this.onAnnounceError = deps.onAnnounceError ?? (() => undefined);
    this.groupWindowMs = groupWindowMs;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Applies one event to its recipient's notifications; true when they changed, and then the
   * recipient is announced. Nobody is told of their own actions.
   */
  async record(activity: Activity): Promise<boolean> {
    if ('actorId' in activity && activity.actorId === activity.recipientId) return false;
    const changed = await this.apply(activity, {
      eventId: activity.eventId,
      recipientId: activity.recipientId,
      processedAt: this.now(),
    });
    if (changed) this.announced(activity.recipientId);
    return changed;
  }

  async listNotifications(request: ListNotificationsRequest): Promise<NotificationPage> {
    const recipientId = checkRecipient(request.recipientId);
    const limit = clampLimit(request.limit);
    const before = request.cursor ? decodeCursor(request.cursor, listCursor).s : undefined;
    const rows = await this.notifications.list(recipientId, before, limit + 1);
    // Keyset on seq: an item that changes after this page was read takes a seq above the
    // cursor, so it shows on a fresh first page and never again on a later one.
    const page = toPage(rows, limit, (last) => ({ s: last.seq }));
    return {
      items: page.items.map(toNotification),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  async listChanges(request: ListChangesRequest): Promise<NotificationChanges> {
    const recipientId = checkRecipient(request.recipientId);
    if (request.afterSeq !== '0' && !isId(request.afterSeq)) {
      throw DomainError.malformed('afterSeq must be a seq ("0" for everything)');
    }
    const limit = clampLimit(request.limit);
    const rows = await this.notifications.changes(recipientId, request.afterSeq, limit + 1);
    const served = rows.slice(0, limit);
    return {
      items: served.filter((row) => !row.removed).map(toNotification),
      removed: served.filter((row) => row.removed).map((row) => ({ id: row.id, seq: row.seq })),
      more: rows.length > limit,
    };
  }

  async getUnreadCount(request: GetUnreadCountRequest): Promise<UnreadCount> {
    const recipientId = checkRecipient(request.recipientId);
    return toUnreadCount(await this.notifications.unreadState(recipientId));
  }

  async markRead(request: MarkReadRequest): Promise<UnreadCount> {
    const recipientId = checkRecipient(request.recipientId);
    if (request.upTo !== undefined && !isId(request.upTo)) {
      throw DomainError.malformed('upTo must be a notification id');
    }
    const result = await this.notifications.markRead(recipientId, request.upTo, this.now());
    if (result === undefined) throw DomainError.notFound('Notification not found');
    // The recipient's other tabs and devices update their badge.
    if (result.marked > 0) this.announced(recipientId);
    return toUnreadCount(result);
  }

  /**
   * Deletes for good the notifications removed before `olderThan`, and the records of events
   * processed and of withdrawals recorded before it (after which a redelivery of such an event
   * would apply again, and a creation consumed after its removal would not be withdrawn: keep
   * `olderThan` beyond the bus's redelivery window, e.g. NOTIFICATION_PRUNE_AGE_MS ago). In
   * batches of DELETE_BATCH rows, so that it never holds many locks at once.
   */
  async prune(olderThan: Date): Promise<PruneResult> {
    const repository = this.notifications;
    return {
      notifications: await deleteInBatches((limit) => repository.pruneRemoved(olderThan, limit)),
      events: await deleteInBatches((limit) => repository.pruneProcessed(olderThan, limit)),
      withdrawals: await deleteInBatches((limit) => repository.pruneWithdrawals(olderThan, limit)),
    };
  }

  private apply(activity: Activity, delivery: Delivery): Promise<boolean> {
    switch (activity.kind) {
      case 'like':
        return this.notifications.addToGroup({
          ...delivery,
          target: { type: 'like', postId: activity.postId },
          groupKey: likeGroupKey(activity.postId, activity.at, this.groupWindowMs),
          actorId: activity.actorId,
          actedAt: activity.at,
        });
      case 'follow':
        return this.notifications.addToGroup({
          ...delivery,
          target: { type: 'follow' },
          groupKey: followGroupKey(activity.at, this.groupWindowMs),
          actorId: activity.actorId,
          actedAt: activity.at,
        });
      case 'unlike':
        return this.notifications.withdrawActor({
          ...delivery,
          target: { type: 'like', postId: activity.postId },
          actorId: activity.actorId,
          removedAt: activity.at,
        });
      case 'unfollow':
        return this.notifications.withdrawActor({
          ...delivery,
          target: { type: 'follow' },
          actorId: activity.actorId,
          removedAt: activity.at,
        });
      case 'comment':
        return this.notifications.addComment({
          ...delivery,
          postId: activity.postId,
          commentId: activity.commentId,
          body: commentExcerpt(activity.body),
          actorId: activity.actorId,
          actedAt: activity.at,
        });
      case 'comment-deleted':
        return this.notifications.removeComment(delivery, activity.commentId, activity.at);
      case 'post-deleted':
        return this.notifications.removePost(delivery, activity.postId, activity.at);
    }
  }

  /** After a commit: an announcement that fails must not fail (and so repeat) the change. */
  private announced(recipientId: string): void {
    try {
      this.announce(recipientId);
    } catch (err) {
      this.onAnnounceError(asError(err));
    }
  }
}

function checkRecipient(recipientId: string): string {
  if (!isId(recipientId)) {
    throw DomainError.invalid('Invalid request', [{ path: 'recipientId', message: 'must be a user id' }]);
  }
  return recipientId;
}

function toNotification(record: NotificationRecord): Notification {
  return {
    id: record.id,
    type: TYPES[record.type],
    actorIds: record.actorIds,
    actorCount: record.actorCount,
    ...(record.postId !== undefined && { postId: record.postId }),
    ...(record.commentId !== undefined && { commentId: record.commentId }),
    ...(record.commentBody !== undefined && { commentBody: record.commentBody }),
    updatedAt: record.updatedAt.toISOString(),
    read: record.read,
    seq: record.seq,
  };
}

function toUnreadCount(state: UnreadState): UnreadCount {
  return { count: String(state.unread), latestSeq: state.latestSeq };
}
