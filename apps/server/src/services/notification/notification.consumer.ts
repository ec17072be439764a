import { z } from 'zod';

import type { EventEnvelope, EventHandler } from '../../platform/events/events.port.js';
import { isId } from '../../platform/ids/snowflake.js';
import { COMMENT_CREATED, COMMENT_DELETED } from '../comment/comment.events.js';
import { LIKE_CREATED, LIKE_REMOVED } from '../like/like.events.js';
import { POST_DELETED } from '../post/post.events.js';
import { FOLLOW_CREATED, FOLLOW_REMOVED } from '../user/user.events.js';
import type { Activity, NotificationServiceImpl } from './notification.service.js';

export const NOTIFICATION_TOPICS = [
  LIKE_CREATED,
  LIKE_REMOVED,
  COMMENT_CREATED,
  COMMENT_DELETED,
  FOLLOW_CREATED,
  FOLLOW_REMOVED,
  POST_DELETED,
] as const;

export interface NotificationConsumerDeps {
  notifications: Pick<NotificationServiceImpl, 'record'>;
  /**
   * Told of every event passed over because it cannot be read (to log it). Such an event would
   * fail the same way at every delivery, so it is never thrown back to the bus.
   */
  onMalformed: (event: EventEnvelope, problem: string) => void;
}

// Ids go into bigint columns and times into timestamptz ones: bad ones would be SQL errors.
const id = z.string().refine(isId, 'must be an id');
const time = z.iso.datetime().transform((value) => new Date(value));

/** What each topic's payload must hold (of what the producers write: see their *.events.ts). */
const PAYLOADS = {
  [LIKE_CREATED]: z.object({ userId: id, postId: id, postAuthorId: id, createdAt: time }),
  // The removals' times too: a removal may be consumed before its creation (another topic, so
  // another partition), and it then withdraws the creations that are not newer than it.
  [LIKE_REMOVED]: z.object({ userId: id, postId: id, postAuthorId: id, removedAt: time }),
  [COMMENT_CREATED]: z.object({
    commentId: id,
    postId: id,
    postAuthorId: id,
    authorId: id,
    body: z.string(),
    createdAt: time,
  }),
  [COMMENT_DELETED]: z.object({ commentId: id, postAuthorId: id, authorId: id, deletedAt: time }),
  [FOLLOW_CREATED]: z.object({ followerId: id, followeeId: id, createdAt: time }),
  [FOLLOW_REMOVED]: z.object({ followerId: id, followeeId: id, removedAt: time }),
  [POST_DELETED]: z.object({ postId: id, authorId: id, deletedAt: time }),
};

/**
 * Turns like, comment, follow and post events into notifications (NOTIFICATION_TOPICS, one
 * consumer group). Every event is applied once whatever the redeliveries (the service dedupes
 * on the event id); a failure to apply one throws, and the bus delivers it again.
 */
export class NotificationConsumer {
  private readonly notifications: Pick<NotificationServiceImpl, 'record'>;
  private readonly onMalformed: (event: EventEnvelope, problem: string) => void;

  constructor(deps: NotificationConsumerDeps) {
    this.notifications = deps.notifications;
    this.onMalformed = deps.onMalformed;
  }

  readonly handle: EventHandler = async (event) => {
    const activity = readActivity(event);
    if (typeof activity === 'string') {
      this.onMalformed(event, activity);
      return;
    }
    await this.notifications.record(activity);
  };
}

/** The event as an Activity, or what is wrong with it. */
export function readActivity(event: EventEnvelope): Activity | string {
  if (!isId(event.id)) return `event id ${JSON.stringify(event.id)} is not an id`;
  const eventId = event.id;
  switch (event.type) {
    case LIKE_CREATED:
      return parse(event, PAYLOADS[LIKE_CREATED], (p) => ({
        kind: 'like',
        eventId,
        recipientId: p.postAuthorId,
        actorId: p.userId,
        postId: p.postId,
        at: p.createdAt,
      }));
    case LIKE_REMOVED:
      return parse(event, PAYLOADS[LIKE_REMOVED], (p) => ({
        kind: 'unlike',
        eventId,
        recipientId: p.postAuthorId,
        actorId: p.userId,
        postId: p.postId,
        at: p.removedAt,
      }));
    case COMMENT_CREATED:
      return parse(event, PAYLOADS[COMMENT_CREATED], (p) => ({
        kind: 'comment',
        eventId,
        recipientId: p.postAuthorId,
        actorId: p.authorId,
        postId: p.postId,
        commentId: p.commentId,
        body: p.body,
        at: p.createdAt,
      }));
    case COMMENT_DELETED:
      return parse(event, PAYLOADS[COMMENT_DELETED], (p) => ({
        kind: 'comment-deleted',
        eventId,
        recipientId: p.postAuthorId,
        actorId: p.authorId,
        commentId: p.commentId,
        at: p.deletedAt,
      }));
    case FOLLOW_CREATED:
      return parse(event, PAYLOADS[FOLLOW_CREATED], (p) => ({
        kind: 'follow',
        eventId,
        recipientId: p.followeeId,
        actorId: p.followerId,
        at: p.createdAt,
      }));
    case FOLLOW_REMOVED:
      return parse(event, PAYLOADS[FOLLOW_REMOVED], (p) => ({
        kind: 'unfollow',
        eventId,
        recipientId: p.followeeId,
        actorId: p.followerId,
        at: p.removedAt,
      }));
    case POST_DELETED:
      return parse(event, PAYLOADS[POST_DELETED], (p) => ({
        kind: 'post-deleted',
        eventId,
        recipientId: p.authorId,
        postId: p.postId,
        at: p.deletedAt,
      }));
    default:
      return `topic ${JSON.stringify(event.type)} is not one of NOTIFICATION_TOPICS`;
  }
}

function parse<T>(
  event: EventEnvelope,
  schema: z.ZodType<T>,
  toActivity: (payload: T) => Activity,
): Activity | string {
  const parsed = schema.safeParse(event.payload);
  if (!parsed.success) return `${event.type} payload: ${z.prettifyError(parsed.error)}`;
  return toActivity(parsed.data);
}
