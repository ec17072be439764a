import { describe, expect, it } from 'vitest';

import { EventFactory } from '../../platform/events/event-factory.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import { IdGenerator } from '../../platform/ids/snowflake.js';
import { COMMENT_CREATED, COMMENT_DELETED, type CommentCreatedPayload } from '../comment/comment.events.js';
import { LIKE_CREATED, LIKE_REMOVED, type LikeCreatedPayload } from '../like/like.events.js';
import { POST_DELETED, POST_PUBLISHED } from '../post/post.events.js';
import { FOLLOW_CREATED, FOLLOW_REMOVED } from '../user/user.events.js';
import { NOTIFICATION_TOPICS, NotificationConsumer, readActivity } from './notification.consumer.js';
import type { Activity } from './notification.service.js';

describe('NotificationConsumer', () => {
  const ids = new IdGenerator(9);
  const events = new EventFactory(ids);
  const at = new Date('2026-06-01T10:00:00.000Z');
  const [actor, author, postId, commentId] = [ids.next(), ids.next(), ids.next(), ids.next()];

  function consumer(): { handle: NotificationConsumer['handle']; recorded: Activity[]; malformed: string[] } {
    const recorded: Activity[] = [];
    const malformed: string[] = [];
    const handler = new NotificationConsumer({
      notifications: {
        record: (activity) => {
          recorded.push(activity);
          return Promise.resolve(true);
        },
      },
      onMalformed: (_event, problem) => malformed.push(problem),
    });
    return { handle: handler.handle, recorded, malformed };
  }

  it('subscribes to the like, comment, follow and post deletion topics', () => {
    expect([...NOTIFICATION_TOPICS].sort()).toEqual(
      [
        LIKE_CREATED,
        LIKE_REMOVED,
        COMMENT_CREATED,
        COMMENT_DELETED,
        FOLLOW_CREATED,
        FOLLOW_REMOVED,
        POST_DELETED,
      ].sort(),
    );
  });

  it('reads each topic as the activity of its recipient', () => {
    const iso = at.toISOString();
    const cases: Array<[EventEnvelope, Partial<Activity>]> = [
      [
        events.create<LikeCreatedPayload>(
          LIKE_CREATED,
          postId,
          { userId: actor, postId, postAuthorId: author, createdAt: iso },
          at,
        ),
        { kind: 'like', recipientId: author, actorId: actor, postId, at },
      ],
      [
        events.create(
          LIKE_REMOVED,
          postId,
          { userId: actor, postId, postAuthorId: author, removedAt: iso },
          at,
        ),
        { kind: 'unlike', recipientId: author, actorId: actor, postId, at },
      ],
      [
        events.create<CommentCreatedPayload>(
          COMMENT_CREATED,
          postId,
          { commentId, postId, postAuthorId: author, authorId: actor, body: 'hi', createdAt: iso },
          at,
        ),
        { kind: 'comment', recipientId: author, actorId: actor, postId, commentId, body: 'hi', at },
      ],
      [
        events.create(
          COMMENT_DELETED,
          postId,
          { commentId, postId, postAuthorId: author, authorId: actor, deletedAt: iso },
          at,
        ),
        { kind: 'comment-deleted', recipientId: author, actorId: actor, commentId, at },
      ],
      [
        events.create(
          FOLLOW_CREATED,
          author,
          { followerId: actor, followeeId: author, followId: ids.next(), createdAt: iso },
          at,
        ),
        { kind: 'follow', recipientId: author, actorId: actor, at },
      ],
      [
        events.create(
          FOLLOW_REMOVED,
          author,
          { followerId: actor, followeeId: author, followId: ids.next(), removedAt: iso },
          at,
        ),
        { kind: 'unfollow', recipientId: author, actorId: actor, at },
      ],
      [
        events.create(POST_DELETED, postId, { postId, authorId: author, deletedAt: iso }, at),
        { kind: 'post-deleted', recipientId: author, postId, at },
      ],
    ];
    for (const [event, expected] of cases) {
      expect(readActivity(event)).toEqual({ eventId: event.id, ...expected });
    }
  });

  it('hands every readable event to the service and passes malformed ones to onMalformed without throwing', async () => {
    const { handle, recorded, malformed } = consumer();
    const good = events.create(
      FOLLOW_CREATED,
      author,
      { followerId: actor, followeeId: author, followId: ids.next(), createdAt: at.toISOString() },
      at,
    );
    await handle(good);
    const bad: EventEnvelope[] = [
      { ...good, payload: { followerId: actor } },
      { ...good, payload: { followerId: 'x', followeeId: author, createdAt: at.toISOString() } },
      { ...good, payload: { followerId: actor, followeeId: author, createdAt: 'yesterday' } },
      { ...good, payload: null },
      { ...good, payload: 'follow' },
      { ...good, id: 'not-an-id' },
      { ...good, type: POST_PUBLISHED },
      events.create(
        LIKE_CREATED,
        postId,
        { userId: actor, postId, postAuthorId: '99999999999999999999' },
        at,
      ),
      events.create(
        COMMENT_CREATED,
        postId,
        { commentId, postId, postAuthorId: author, authorId: actor },
        at,
      ),
      // A removal's time decides which creations it withdraws: one without it cannot be applied.
      events.create(LIKE_REMOVED, postId, { userId: actor, postId, postAuthorId: author }, at),
      events.create(COMMENT_DELETED, postId, { commentId, postAuthorId: author, authorId: actor }, at),
      events.create(FOLLOW_REMOVED, author, { followerId: actor, followeeId: author, removedAt: 'now' }, at),
      events.create(POST_DELETED, postId, { postId, authorId: author }, at),
    ];
    for (const event of bad) await handle(event);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ kind: 'follow', eventId: good.id });
    expect(malformed).toHaveLength(bad.length);
    expect(malformed[0]).toContain('followeeId');
    expect(malformed[5]).toContain('not an id');
    expect(malformed[6]).toContain(POST_PUBLISHED);
    expect(malformed.slice(9)).toEqual([
      expect.stringContaining('removedAt'),
      expect.stringContaining('deletedAt'),
      expect.stringContaining('removedAt'),
      expect.stringContaining('deletedAt'),
    ]);
  });

  it('lets a failure of the service throw, so that the bus delivers the event again', async () => {
    const handler = new NotificationConsumer({
      notifications: { record: () => Promise.reject(new Error('database down')) },
      onMalformed: () => undefined,
    });
    const event = events.create(
      POST_DELETED,
      postId,
      { postId, authorId: author, deletedAt: at.toISOString() },
      at,
    );
    await expect(handler.handle(event)).rejects.toThrow('database down');
  });
});
