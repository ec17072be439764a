import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  NotificationType,
  type Notification,
  type NotificationChanges,
} from '../../generated/glimpse/notification/v1/notification.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import { IdGenerator, compareIds } from '../../platform/ids/snowflake.js';
import { migrate } from '../../platform/sql/migrator.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { rejection } from '../../testing/rejection.js';
import {
  COMMENT_CREATED,
  COMMENT_DELETED,
  type CommentCreatedPayload,
  type CommentDeletedPayload,
} from '../comment/comment.events.js';
import {
  LIKE_CREATED,
  LIKE_REMOVED,
  type LikeCreatedPayload,
  type LikeRemovedPayload,
} from '../like/like.events.js';
import { POST_DELETED, type PostDeletedPayload } from '../post/post.events.js';
import {
  FOLLOW_CREATED,
  FOLLOW_REMOVED,
  type FollowCreatedPayload,
  type FollowRemovedPayload,
} from '../user/user.events.js';
import { NotificationConsumer } from './notification.consumer.js';
import { NOTIFICATION_GROUP_WINDOW_MS, NOTIFICATION_PRUNE_AGE_MS } from './notification.rules.js';
import { NotificationServiceImpl } from './notification.service.js';
import type { NotificationsTables } from './notification.tables.js';
import { SqlNotificationsRepository, type GroupedActivity } from './notifications.repository.js';

const WINDOW = NOTIFICATION_GROUP_WINDOW_MS;
const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;
/** Any id or seq: their values are not the point of these assertions. */
const anyString: unknown = expect.any(String);

/** The real repository, counting the grouped writes that have resolved, i.e. committed. */
class CommitCountingRepository extends SqlNotificationsRepository {
  committed = 0;

  override async addToGroup(activity: GroupedActivity): Promise<boolean> {
    const changed = await super.addToGroup(activity);
    this.committed += 1;
    return changed;
  }
}

/**
 * The notification service with its real repository on a freshly migrated database, driven
 * through its consumer with the envelopes the producers write, and read through the service.
 * Run by one spec per SQL adapter, so PGlite is held to PostgreSQL. Every test uses users of its
 * own, so tests share the database without seeing each other's notifications.
 */
export function describeNotificationScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`notification service on ${name}`, () => {
    let db: SqlDatabase;
    let service: NotificationServiceImpl;
    let consumer: NotificationConsumer;
    const ids = new IdGenerator(11);
    const events = new EventFactory(ids);
    /** Every announce, in order. */
    const announced: string[] = [];
    const malformed: string[] = [];
    /** The service's clock: real time unless a test moves it. */
    let clock: () => Date = () => new Date();
    /** The start of the current grouping window: events at `bucket + n` fall in one group. */
    const bucket = Math.floor(Date.now() / WINDOW) * WINDOW;
    const t = (offsetMs: number): Date => new Date(bucket + offsetMs);
    /**
     * When removals happen unless a test says otherwise: after every creation of these tests, so
     * they undo what came before them whatever the wall clock (a removal withdraws only creations
     * that are not newer than it).
     */
    const later = t(2 * WINDOW);

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['notifications'] });
      service = newService();
      consumer = new NotificationConsumer({
        notifications: service,
        onMalformed: (_event, problem) => malformed.push(problem),
      });
    });

    beforeEach(() => {
      clock = () => new Date();
    });

    afterAll(async () => {
      expect(malformed).toEqual([]);
      await db?.close();
    });

    function newService(groupWindowMs?: number): NotificationServiceImpl {
      return new NotificationServiceImpl({
        notifications: new SqlNotificationsRepository(db, ids),
        announce: (recipientId) => announced.push(recipientId),
        now: () => clock(),
        ...(groupWindowMs !== undefined && { groupWindowMs }),
      });
    }

    const user = (): string => ids.next();

    function likeCreated(userId: string, postId: string, postAuthorId: string, at: Date): EventEnvelope {
      return events.create<LikeCreatedPayload>(
        LIKE_CREATED,
        postId,
        { userId, postId, postAuthorId, createdAt: at.toISOString() },
        at,
      );
    }

    function likeRemoved(userId: string, postId: string, postAuthorId: string, at = later): EventEnvelope {
      return events.create<LikeRemovedPayload>(
        LIKE_REMOVED,
        postId,
        { userId, postId, postAuthorId, removedAt: at.toISOString() },
        at,
      );
    }

    function commentCreated(
      authorId: string,
      postId: string,
      postAuthorId: string,
      body: string,
      at: Date,
    ): EventEnvelope<CommentCreatedPayload> {
      return events.create<CommentCreatedPayload>(
        COMMENT_CREATED,
        postId,
        { commentId: ids.next(), postId, postAuthorId, authorId, body, createdAt: at.toISOString() },
        at,
      );
    }

    function commentDeleted(created: EventEnvelope<CommentCreatedPayload>, at = later): EventEnvelope {
      const { commentId, postId, postAuthorId, authorId } = created.payload;
      return events.create<CommentDeletedPayload>(
        COMMENT_DELETED,
        postId,
        { commentId, postId, postAuthorId, authorId, deletedAt: at.toISOString() },
        at,
      );
    }

    function followCreated(followerId: string, followeeId: string, at: Date): EventEnvelope {
      return events.create<FollowCreatedPayload>(
        FOLLOW_CREATED,
        followeeId,
        { followerId, followeeId, followId: ids.next(), createdAt: at.toISOString() },
        at,
      );
    }

    function followRemoved(followerId: string, followeeId: string, at = later): EventEnvelope {
      return events.create<FollowRemovedPayload>(
        FOLLOW_REMOVED,
        followeeId,
        { followerId, followeeId, followId: ids.next(), removedAt: at.toISOString() },
        at,
      );
    }

    function postDeleted(postId: string, authorId: string, at = later): EventEnvelope {
      return events.create<PostDeletedPayload>(
        POST_DELETED,
        postId,
        { postId, authorId, deletedAt: at.toISOString() },
        at,
      );
    }

    /** Handles the events one after the other, as one partition of the bus would. */
    async function handle(...envelopes: EventEnvelope[]): Promise<void> {
      for (const envelope of envelopes) await consumer.handle(envelope);
    }

    async function list(recipientId: string): Promise<Notification[]> {
      return (await service.listNotifications({ recipientId, limit: 100 })).items;
    }

    async function unread(recipientId: string): Promise<number> {
      return Number((await service.getUnreadCount({ recipientId })).count);
    }

    function announcesOf(recipientId: string): number {
      return announced.filter((id) => id === recipientId).length;
    }

    /** Every change after `afterSeq`, page by page (`limit` each), as a live stream catches up. */
    async function changesAfter(
      recipientId: string,
      afterSeq: string,
      limit = 100,
    ): Promise<NotificationChanges> {
      const all: NotificationChanges = { items: [], removed: [], more: false };
      let after = afterSeq;
      for (;;) {
        const page = await service.listChanges({ recipientId, afterSeq: after, limit });
        all.items.push(...page.items);
        all.removed.push(...page.removed);
        const seqs = [...page.items, ...page.removed].map((change) => change.seq).sort(compareIds);
        after = seqs.at(-1) ?? after;
        if (!page.more) return all;
      }
    }

    /** Whether any row of any table of the schema holds `text` (in any column). */
    async function storedAnywhere(text: string): Promise<boolean> {
      const kysely = db.kysely<NotificationsTables>();
      const { rows: tables } = await sql<{ name: string }>`
        select table_name as name from information_schema.tables where table_schema = 'notifications'`.execute(
        kysely,
      );
      expect(tables.map((table) => table.name)).toContain('withdrawals');
      for (const { name } of tables) {
        const { rows } = await sql<{ found: boolean }>`
          select exists (
            select 1 from ${sql.table(`notifications.${name}`)} as r where position(${text} in r::text) > 0
          ) as found`.execute(kysely);
        if (rows[0]?.found === true) return true;
      }
      return false;
    }

    it('groups the likes of one post into one notification: count, three newest actors first, newest time', async () => {
      const [author, postId, otherPost] = [user(), user(), user()];
      const likers = [user(), user(), user(), user(), user()];
      for (const [index, liker] of likers.entries()) {
        await handle(likeCreated(liker, postId, author, t(index * SECOND)));
      }
      await handle(likeCreated(likers[0]!, otherPost, author, t(10 * SECOND)));

      const [latest, group] = await list(author);
      expect(group).toEqual({
        id: anyString,
        type: NotificationType.NOTIFICATION_TYPE_LIKE,
        actorIds: [likers[4], likers[3], likers[2]],
        actorCount: 5,
        postId,
        updatedAt: t(4 * SECOND).toISOString(),
        read: false,
        seq: anyString,
      });
      expect(latest).toMatchObject({ postId: otherPost, actorIds: [likers[0]], actorCount: 1 });
      expect(compareIds(latest!.seq, group!.seq)).toBeGreaterThan(0);
      expect(await unread(author)).toBe(2);
      expect(announcesOf(author)).toBe(6);
    });

    it('groups follows; an unfollow before reading takes the follower out, after reading leaves them', async () => {
      const followee = user();
      const followers = [user(), user(), user(), user()];
      for (const [index, follower] of followers.entries()) {
        await handle(followCreated(follower, followee, t(index * SECOND)));
      }
      let [group] = await list(followee);
      expect(group).toMatchObject({
        type: NotificationType.NOTIFICATION_TYPE_FOLLOW,
        actorIds: [followers[3], followers[2], followers[1]],
        actorCount: 4,
        updatedAt: t(3 * SECOND).toISOString(),
      });
      expect(group!.postId).toBeUndefined();

      await handle(followRemoved(followers[3]!, followee));
      [group] = await list(followee);
      expect(group).toMatchObject({
        actorIds: [followers[2], followers[1], followers[0]],
        actorCount: 3,
        updatedAt: t(2 * SECOND).toISOString(),
      });

      await service.markRead({ recipientId: followee });
      const before = (await list(followee))[0]!;
      await handle(followRemoved(followers[2]!, followee));
      expect(await list(followee)).toEqual([before]);
    });

    it('makes one notification per comment, keeping at most 500 code points of its body', async () => {
      const [author, commenter, postId] = [user(), user(), user()];
      const long = `${'😀'.repeat(499)}ab`;
      const first = commentCreated(commenter, postId, author, 'nice', t(SECOND));
      const second = commentCreated(commenter, postId, author, long, t(2 * SECOND));
      await handle(first, second);

      expect(await list(author)).toEqual([
        expect.objectContaining({
          type: NotificationType.NOTIFICATION_TYPE_COMMENT,
          actorIds: [commenter],
          actorCount: 1,
          postId,
          commentId: second.payload.commentId,
          commentBody: `${'😀'.repeat(499)}a`,
          updatedAt: t(2 * SECOND).toISOString(),
          read: false,
        }),
        expect.objectContaining({ commentId: first.payload.commentId, commentBody: 'nice' }),
      ]);
      expect(await unread(author)).toBe(2);
    });

    it('never notifies anyone of their own likes and comments', async () => {
      const [author, postId] = [user(), user()];
      const comment = commentCreated(author, postId, author, 'my own post', t(SECOND));
      await handle(
        likeCreated(author, postId, author, t(0)),
        comment,
        likeRemoved(author, postId, author),
        commentDeleted(comment),
      );
      expect(await list(author)).toEqual([]);
      expect(await service.getUnreadCount({ recipientId: author })).toEqual({ count: '0', latestSeq: '0' });
      expect(announcesOf(author)).toBe(0);
    });

    it('changes nothing when an event is delivered again, one after the other or at once', async () => {
      const [author, liker, commenter, postId] = [user(), user(), user(), user()];
      const like = likeCreated(liker, postId, author, t(0));
      const comment = commentCreated(commenter, postId, author, 'hello', t(SECOND));
      await handle(like, comment);
      const before = await list(author);
      const { latestSeq } = await service.getUnreadCount({ recipientId: author });

      await handle(like, comment);
      await Promise.all([consumer.handle(like), consumer.handle(like), consumer.handle(comment)]);

      expect(await list(author)).toEqual(before);
      expect(before.map((item) => item.actorCount)).toEqual([1, 1]);
      expect(await service.getUnreadCount({ recipientId: author })).toEqual({ count: '2', latestSeq });
      expect(await changesAfter(author, latestSeq)).toEqual({ items: [], removed: [], more: false });
      expect(announcesOf(author)).toBe(2);
    });

    it('takes an unliker out of the unread group, removes a group left without likers, and counts a re-liker once', async () => {
      const [author, postId] = [user(), user()];
      const [first, second] = [user(), user()];
      await handle(likeCreated(first, postId, author, t(0)), likeCreated(second, postId, author, t(SECOND)));
      const [group] = await list(author);

      await handle(likeRemoved(second, postId, author, t(1.5 * SECOND)));
      const [fewer] = await list(author);
      expect(fewer).toMatchObject({
        id: group!.id,
        actorIds: [first],
        actorCount: 1,
        updatedAt: t(0).toISOString(),
      });
      expect(compareIds(fewer!.seq, group!.seq)).toBeGreaterThan(0);

      // like, unlike, like: one liker.
      await handle(
        likeCreated(second, postId, author, t(2 * SECOND)),
        likeRemoved(second, postId, author, t(2.5 * SECOND)),
      );
      await handle(likeCreated(second, postId, author, t(3 * SECOND)));
      expect(await list(author)).toEqual([
        expect.objectContaining({ id: group!.id, actorIds: [second, first], actorCount: 2 }),
      ]);

      const { latestSeq } = await service.getUnreadCount({ recipientId: author });
      await handle(likeRemoved(first, postId, author), likeRemoved(second, postId, author));
      expect(await list(author)).toEqual([]);
      expect(await unread(author)).toBe(0);
      // A stream catching up gets the latest state only: the group, removed.
      const changes = await changesAfter(author, latestSeq);
      expect(changes).toEqual({ items: [], removed: [{ id: group!.id, seq: anyString }], more: false });
      expect(compareIds(changes.removed[0]!.seq, latestSeq)).toBeGreaterThan(0);

      // An unlike of someone who is in no group (or delivered again) changes nothing.
      const announces = announcesOf(author);
      await handle(likeRemoved(user(), postId, author));
      expect(announcesOf(author)).toBe(announces);
    });

    it('keeps a read group as history when its liker unlikes, and opens a new group for the next like', async () => {
      const [author, postId, first, second] = [user(), user(), user(), user()];
      await handle(likeCreated(first, postId, author, t(0)));
      await service.markRead({ recipientId: author });
      const [read] = await list(author);
      expect(read).toMatchObject({ read: true, actorIds: [first], actorCount: 1 });

      await handle(likeRemoved(first, postId, author, t(SECOND / 2)));
      expect(await list(author)).toEqual([read]);

      await handle(
        likeCreated(second, postId, author, t(SECOND)),
        likeCreated(first, postId, author, t(2 * SECOND)),
      );
      const [fresh, old] = await list(author);
      expect(fresh).toMatchObject({ postId, read: false, actorIds: [first, second], actorCount: 2 });
      expect(fresh!.id).not.toBe(read!.id);
      expect(old).toEqual(read);
      expect(await unread(author)).toBe(1);
    });

    it('opens a new group in each window, and groups by the window it was given', async () => {
      const [author, postId, followee] = [user(), user(), user()];
      const [a, b, c] = [user(), user(), user()];
      const end = t(WINDOW - 1);
      await handle(
        likeCreated(a, postId, author, end),
        likeCreated(b, postId, author, t(WINDOW)),
        likeCreated(c, postId, author, t(WINDOW + SECOND)),
        followCreated(a, followee, end),
        followCreated(b, followee, t(WINDOW)),
      );
      expect((await list(author)).map((item) => item.actorIds)).toEqual([[c, b], [a]]);
      expect((await list(followee)).map((item) => item.actorIds)).toEqual([[b], [a]]);

      const minutely = newService(60 * SECOND);
      const grouped = new NotificationConsumer({ notifications: minutely, onMalformed: () => undefined });
      const other = user();
      for (const [actor, at] of [
        [a, t(0)],
        [b, t(59 * SECOND)],
        [c, t(60 * SECOND)],
      ] as const) {
        await grouped.handle(likeCreated(actor, postId, other, at));
      }
      expect(
        (await minutely.listNotifications({ recipientId: other, limit: 10 })).items.map((n) => n.actorIds),
      ).toEqual([[c], [b, a]]);
      expect(() => newService(0)).toThrow(RangeError);
    });

    it('removes a comment notification, read or not, and its body with it', async () => {
      const [author, commenter, postId] = [user(), user(), user()];
      const kept = commentCreated(commenter, postId, author, 'stays', t(0));
      const unreadOne = commentCreated(commenter, postId, author, 'oops', t(SECOND));
      await handle(kept, unreadOne);
      await service.markRead({ recipientId: author });
      const readOne = commentCreated(commenter, postId, author, 'read then deleted', t(2 * SECOND));
      await handle(readOne);
      await service.markRead({ recipientId: author });
      const { latestSeq } = await service.getUnreadCount({ recipientId: author });

      await handle(commentDeleted(unreadOne), commentDeleted(readOne));
      expect((await list(author)).map((item) => item.commentId)).toEqual([kept.payload.commentId]);
      const changes = await changesAfter(author, latestSeq);
      expect(changes.items).toEqual([]);
      expect(changes.removed).toHaveLength(2);

      const bodies = await db
        .kysely<NotificationsTables>()
        .selectFrom('notifications.notifications')
        .select(['comment_body', 'removed_at'])
        .where('recipient_id', '=', author)
        .orderBy('seq')
        .execute();
      expect(bodies.map((row) => [row.comment_body, row.removed_at !== null])).toEqual([
        ['stays', false],
        [null, true],
        [null, true],
      ]);
      // Neither a late duplicate of the comment's creation nor a copy under another event id
      // brings it back.
      await handle(readOne, { ...readOne, id: ids.next() });
      expect(await list(author)).toHaveLength(1);
    });

    it('removes every notification about a deleted post, and only those', async () => {
      const [author, postId, otherPost, fan] = [user(), user(), user(), user()];
      await handle(
        likeCreated(fan, postId, author, t(0)),
        commentCreated(fan, postId, author, 'first', t(SECOND)),
        followCreated(fan, author, t(2 * SECOND)),
        likeCreated(fan, otherPost, author, t(3 * SECOND)),
      );
      await service.markRead({ recipientId: author });
      await handle(commentCreated(user(), postId, author, 'second', t(4 * SECOND)));
      const { latestSeq } = await service.getUnreadCount({ recipientId: author });
      const doomed = (await list(author)).filter((item) => item.postId === postId).map((item) => item.id);
      expect(doomed).toHaveLength(3);

      await handle(postDeleted(postId, author));
      const left = await list(author);
      expect(left.map((item) => item.type)).toEqual([
        NotificationType.NOTIFICATION_TYPE_LIKE,
        NotificationType.NOTIFICATION_TYPE_FOLLOW,
      ]);
      expect(left[0]!.postId).toBe(otherPost);
      const { removed } = await changesAfter(author, latestSeq);
      expect(removed.map((change) => change.id).sort()).toEqual([...doomed].sort());
      expect(new Set(removed.map((change) => change.seq)).size).toBe(3);
      expect(await unread(author)).toBe(0);
    });

    it('pages newest change first with cursors that hold while notifications arrive: no duplicates, no gaps', async () => {
      const author = user();
      const posts = Array.from({ length: 7 }, () => user());
      for (const [index, postId] of posts.entries()) {
        await handle(likeCreated(user(), postId, author, t(index * SECOND)));
      }
      const page1 = await service.listNotifications({ recipientId: author, limit: 3 });
      expect(page1.items.map((item) => item.postId)).toEqual([posts[6], posts[5], posts[4]]);
      expect(page1.nextCursor).toEqual(anyString);

      // A new post's like, and a new liker of an item not served yet: both go to the top.
      const newPost = user();
      await handle(likeCreated(user(), newPost, author, t(10 * SECOND)));
      await handle(likeCreated(user(), posts[1]!, author, t(11 * SECOND)));

      const page2 = await service.listNotifications({
        recipientId: author,
        limit: 2,
        cursor: page1.nextCursor!,
      });
      const page3 = await service.listNotifications({
        recipientId: author,
        limit: 2,
        cursor: page2.nextCursor!,
      });
      expect(page2.items.map((item) => item.postId)).toEqual([posts[3], posts[2]]);
      expect(page3).toEqual({ items: [expect.objectContaining({ postId: posts[0] })] });

      const fresh = await service.listNotifications({ recipientId: author, limit: 3 });
      expect(fresh.items.map((item) => [item.postId, item.actorCount])).toEqual([
        [posts[1], 2],
        [newPost, 1],
        [posts[6], 1],
      ]);

      for (const cursor of ['not a cursor', Buffer.from('{"s":"x"}').toString('base64url')]) {
        expect(
          (await rejection(service.listNotifications({ recipientId: author, limit: 3, cursor }))).kind,
        ).toBe('malformed');
      }
      expect((await rejection(service.listNotifications({ recipientId: 'me', limit: 3 }))).kind).toBe(
        'invalid',
      );
    });

    it('lists the changes and removals after a seq, oldest first, a page at a time', async () => {
      const [author, postA, postB, fan, other] = [user(), user(), user(), user(), user()];
      await handle(likeCreated(fan, postA, author, t(0)), likeCreated(fan, postB, author, t(SECOND)));
      const { latestSeq } = await service.getUnreadCount({ recipientId: author });

      await handle(
        likeCreated(other, postA, author, t(2 * SECOND)),
        followCreated(fan, author, t(3 * SECOND)),
        likeRemoved(fan, postB, author),
      );
      const [groupA, follow] = (await list(author)).sort((x, y) => compareIds(x.seq, y.seq));

      const all = await service.listChanges({ recipientId: author, afterSeq: latestSeq, limit: 10 });
      expect(all.items).toEqual([groupA, follow]);
      expect(all.removed).toEqual([{ id: anyString, seq: anyString }]);
      expect(compareIds(all.removed[0]!.seq, follow!.seq)).toBeGreaterThan(0);
      expect(all.more).toBe(false);

      const first = await service.listChanges({ recipientId: author, afterSeq: latestSeq, limit: 1 });
      expect(first).toEqual({ items: [groupA], removed: [], more: true });
      expect(await changesAfter(author, latestSeq, 1)).toEqual({ ...all, more: false });

      const everything = await service.listChanges({ recipientId: author, afterSeq: '0', limit: 0 });
      expect(everything.items).toHaveLength(2);
      expect(everything.removed).toHaveLength(1);
      expect(
        await service.listChanges({ recipientId: author, afterSeq: all.removed[0]!.seq, limit: 5 }),
      ).toEqual({
        items: [],
        removed: [],
        more: false,
      });
      for (const afterSeq of ['', 'abc', '-1', '01', '99999999999999999999']) {
        expect((await rejection(service.listChanges({ recipientId: author, afterSeq, limit: 5 }))).kind).toBe(
          'malformed',
        );
      }
    });

    it('gives one recipient strictly increasing seqs in commit order under concurrent events', async () => {
      const author = user();
      const hot = user();
      const envelopes = [
        ...Array.from({ length: 20 }, (_, index) => likeCreated(user(), user(), author, t(index))),
        ...Array.from({ length: 20 }, (_, index) => likeCreated(user(), hot, author, t(index))),
      ];
      // A live stream polling as it goes: it must see every change however late it commits.
      const seen = new Map<string, Notification>();
      let done = false;
      let after = '0';
      const poll = async (): Promise<void> => {
        const changes = await changesAfter(author, after);
        for (const item of changes.items) {
          expect(compareIds(item.seq, after)).toBeGreaterThan(0);
          seen.set(item.id, item);
          after = item.seq;
        }
      };
      const poller = (async () => {
        while (!done) await poll();
      })();
      await Promise.all(envelopes.map((envelope) => consumer.handle(envelope)));
      done = true;
      await poller;
      await poll();

      const current = await list(author);
      expect(current).toHaveLength(21);
      expect(current.find((item) => item.postId === hot)?.actorCount).toBe(20);
      expect([...seen.values()].sort((x, y) => compareIds(y.seq, x.seq))).toEqual(current);
      const { items } = await changesAfter(author, '0');
      const seqs = items.map((item) => item.seq);
      expect(new Set(seqs).size).toBe(21);
      expect([...seqs].sort(compareIds)).toEqual(seqs);
      expect(announcesOf(author)).toBe(40);
    });

    it('counts unread and marks read, all or up to one notification, refusing others’ ids', async () => {
      const [author, stranger, fan] = [user(), user(), user()];
      const posts = [user(), user(), user()];
      for (const [index, postId] of posts.entries()) await handle(likeCreated(fan, postId, author, t(index)));
      await handle(likeCreated(fan, user(), stranger, t(0)));
      const [newest, middle] = await list(author);
      const [strangers] = await list(stranger);
      const state = await service.getUnreadCount({ recipientId: author });
      expect(state).toEqual({ count: '3', latestSeq: newest!.seq });

      const announces = announcesOf(author);
      expect((await rejection(service.markRead({ recipientId: author, upTo: strangers!.id }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(service.markRead({ recipientId: author, upTo: 'first' }))).kind).toBe(
        'malformed',
      );
      expect(await unread(author)).toBe(3);

      expect(await service.markRead({ recipientId: author, upTo: middle!.id })).toEqual({
        count: '1',
        latestSeq: state.latestSeq,
      });
      expect((await list(author)).map((item) => item.read)).toEqual([false, true, true]);
      expect(announcesOf(author)).toBe(announces + 1);
      // Marking read keeps the seqs: nothing to catch up on.
      expect(await changesAfter(author, state.latestSeq)).toEqual({ items: [], removed: [], more: false });

      expect(await service.markRead({ recipientId: author })).toEqual({
        count: '0',
        latestSeq: state.latestSeq,
      });
      expect(await service.markRead({ recipientId: author })).toEqual({
        count: '0',
        latestSeq: state.latestSeq,
      });
      expect(await service.markRead({ recipientId: author, upTo: newest!.id })).toEqual({
        count: '0',
        latestSeq: state.latestSeq,
      });
      expect(announcesOf(author)).toBe(announces + 2);
      expect(await unread(stranger)).toBe(1);
      expect(await service.markRead({ recipientId: user() })).toEqual({ count: '0', latestSeq: '0' });
    });

    it('announces each committed change once, after its commit, never a duplicate or a no-op', async () => {
      const [author, postId, fan] = [user(), user(), user()];
      /** For each announce: how many writes had committed by then. */
      const committedAtAnnounce: number[] = [];
      const repository = new CommitCountingRepository(db, ids);
      const watched = new NotificationConsumer({
        notifications: new NotificationServiceImpl({
          notifications: repository,
          announce: () => committedAtAnnounce.push(repository.committed),
        }),
        onMalformed: () => undefined,
      });

      const like = likeCreated(fan, postId, author, t(0));
      await watched.handle(like);
      expect(committedAtAnnounce).toEqual([1]);
      await watched.handle(like);
      await watched.handle(likeCreated(author, postId, author, t(SECOND)));
      await watched.handle(likeRemoved(user(), postId, author));
      expect(committedAtAnnounce).toEqual([1]);
      await watched.handle(likeCreated(user(), postId, author, t(2 * SECOND)));
      expect(committedAtAnnounce).toEqual([1, 3]);

      const errors: string[] = [];
      const failing = new NotificationServiceImpl({
        notifications: repository,
        announce: () => {
          throw new Error('pub/sub down');
        },
        onAnnounceError: (err) => errors.push(err.message),
      });
      const follow = {
        kind: 'follow',
        eventId: ids.next(),
        recipientId: author,
        actorId: fan,
        at: t(0),
      } as const;
      expect(await failing.record(follow)).toBe(true);
      expect(errors).toEqual(['pub/sub down']);
      expect((await list(author)).map((item) => item.type)).toEqual([
        NotificationType.NOTIFICATION_TYPE_FOLLOW,
        NotificationType.NOTIFICATION_TYPE_LIKE,
      ]);
    });

    describe('a removal consumed before the creation it undoes (they travel on different topics)', () => {
      it('an unlike withdraws the like it undoes, and any at the same time: no notification, nothing left', async () => {
        const [author, postId, fan, other] = [user(), user(), user(), user()];
        const like = likeCreated(fan, postId, author, t(0));
        const unlike = likeRemoved(fan, postId, author, t(SECOND));
        const sameTime = likeCreated(fan, postId, author, t(SECOND));
        await handle(unlike, like, sameTime);
        expect(await list(author)).toEqual([]);
        expect(await unread(author)).toBe(0);
        // Not even an empty group, removed or not.
        expect(await changesAfter(author, '0')).toEqual({ items: [], removed: [], more: false });
        expect(announcesOf(author)).toBe(0);

        // Delivered again, or copied under another event id: still nothing.
        await handle(unlike, like, sameTime, { ...like, id: ids.next() });
        expect(await changesAfter(author, '0')).toEqual({ items: [], removed: [], more: false });
        expect(announcesOf(author)).toBe(0);

        // Only that actor's likes of that post were withdrawn.
        await handle(likeCreated(other, postId, author, t(0)), likeCreated(fan, user(), author, t(0)));
        expect((await list(author)).map((item) => item.actorIds)).toEqual([[fan], [other]]);
      });

      it('like, unlike, like again consumed as unlike, like again, like: the newer like alone, notified once', async () => {
        const [author, postId, fan] = [user(), user(), user()];
        const like = likeCreated(fan, postId, author, t(0));
        const unlike = likeRemoved(fan, postId, author, t(SECOND));
        const again = likeCreated(fan, postId, author, t(2 * SECOND));
        await handle(unlike, again, like);
        expect(await list(author)).toEqual([
          expect.objectContaining({
            type: NotificationType.NOTIFICATION_TYPE_LIKE,
            postId,
            actorIds: [fan],
            actorCount: 1,
            updatedAt: t(2 * SECOND).toISOString(),
          }),
        ]);
        expect(announcesOf(author)).toBe(1);

        const before = await list(author);
        const { latestSeq } = await service.getUnreadCount({ recipientId: author });
        await handle(unlike, again, like, { ...like, id: ids.next() }, { ...again, id: ids.next() });
        expect(await list(author)).toEqual(before);
        expect(await changesAfter(author, latestSeq)).toEqual({ items: [], removed: [], more: false });
        expect(announcesOf(author)).toBe(1);
      });

      it('like, unlike, like again consumed as like, like again, unlike: the unlike leaves the newer like in', async () => {
        const [author, postId, fan] = [user(), user(), user()];
        await handle(
          likeCreated(fan, postId, author, t(0)),
          likeCreated(fan, postId, author, t(2 * SECOND)),
          likeRemoved(fan, postId, author, t(SECOND)),
        );
        const [group] = await list(author);
        expect(group).toMatchObject({
          actorIds: [fan],
          actorCount: 1,
          updatedAt: t(2 * SECOND).toISOString(),
        });
        expect(await unread(author)).toBe(1);

        // An unlike after the newer like takes it out.
        await handle(likeRemoved(fan, postId, author, t(3 * SECOND)));
        expect(await list(author)).toEqual([]);
        expect((await changesAfter(author, group!.seq)).removed).toEqual([{ id: group!.id, seq: anyString }]);
      });

      it('an unfollow withdraws the follow it undoes; a follow again after it notifies', async () => {
        const [followee, fan] = [user(), user()];
        const follow = followCreated(fan, followee, t(0));
        const unfollow = followRemoved(fan, followee, t(SECOND));
        await handle(unfollow, follow);
        expect(await changesAfter(followee, '0')).toEqual({ items: [], removed: [], more: false });
        await handle(unfollow, follow, { ...follow, id: ids.next() });
        expect(await changesAfter(followee, '0')).toEqual({ items: [], removed: [], more: false });
        expect(announcesOf(followee)).toBe(0);

        await handle(followCreated(fan, followee, t(2 * SECOND)));
        expect(await list(followee)).toEqual([
          expect.objectContaining({
            type: NotificationType.NOTIFICATION_TYPE_FOLLOW,
            actorIds: [fan],
            actorCount: 1,
            updatedAt: t(2 * SECOND).toISOString(),
          }),
        ]);
        expect(announcesOf(followee)).toBe(1);
      });

      it('a comment deleted before its creation is consumed is never notified, and its body is stored nowhere', async () => {
        const [author, commenter, postId] = [user(), user(), user()];
        const secret = `deleted before seen ${ids.next()}`;
        const created = commentCreated(commenter, postId, author, secret, t(0));
        const deleted = commentDeleted(created, t(SECOND));
        await handle(deleted, created);
        expect(await changesAfter(author, '0')).toEqual({ items: [], removed: [], more: false });
        // A deleted comment never comes back, whatever the times, the redeliveries or the copies.
        await handle(deleted, created, { ...created, id: ids.next() });
        expect(await changesAfter(author, '0')).toEqual({ items: [], removed: [], more: false });
        expect(announcesOf(author)).toBe(0);
        expect(await storedAnywhere(secret)).toBe(false);

        // The same look finds the body of a comment that was not deleted.
        const kept = `kept ${ids.next()}`;
        await handle(commentCreated(commenter, postId, author, kept, t(2 * SECOND)));
        expect((await list(author)).map((item) => item.commentBody)).toEqual([kept]);
        expect(await storedAnywhere(kept)).toBe(true);
      });

      it('a post deleted before the likes and comments on it are consumed: none of them is notified', async () => {
        const [author, postId, otherPost, fan] = [user(), user(), user(), user()];
        const secret = `on a deleted post ${ids.next()}`;
        const deletion = postDeleted(postId, author, t(SECOND));
        const creations = [
          likeCreated(fan, postId, author, t(0)),
          // Whatever its time: nothing about a deleted post is wanted any more.
          likeCreated(user(), postId, author, t(2 * SECOND)),
          commentCreated(fan, postId, author, secret, t(0)),
        ];
        await handle(deletion, ...creations, likeCreated(fan, otherPost, author, t(0)));
        const left = await list(author);
        expect(left).toEqual([expect.objectContaining({ postId: otherPost, actorIds: [fan] })]);
        expect(await storedAnywhere(secret)).toBe(false);

        const { latestSeq } = await service.getUnreadCount({ recipientId: author });
        const announces = announcesOf(author);
        await handle(
          deletion,
          ...creations,
          ...creations.map((creation) => ({ ...creation, id: ids.next() })),
        );
        expect(await list(author)).toEqual(left);
        expect(await changesAfter(author, latestSeq)).toEqual({ items: [], removed: [], more: false });
        expect(announcesOf(author)).toBe(announces);
      });

      it('never leaves a notification when creations and their removals are handled at once, in any order', async () => {
        const [author, postId] = [user(), user()];
        const race = `racing ${ids.next()}`;
        const pairs = Array.from({ length: 8 }, (_, index) => {
          const fan = user();
          const comment = commentCreated(fan, postId, author, `${race} ${index}`, t(index));
          return [
            likeCreated(fan, postId, author, t(index)),
            likeRemoved(fan, postId, author, t(index + SECOND)),
            followCreated(fan, author, t(index)),
            followRemoved(fan, author, t(index + SECOND)),
            comment,
            commentDeleted(comment, t(index + SECOND)),
          ];
        });
        const envelopes = pairs.flat();
        // Removals first, creations first, and interleaved: each races the others on one recipient.
        await Promise.all(
          [...envelopes.filter((_, index) => index % 2 === 1), ...envelopes].map((e) => consumer.handle(e)),
        );
        expect(await list(author)).toEqual([]);
        expect(await unread(author)).toBe(0);
        for (let index = 0; index < pairs.length; index++) {
          expect(await storedAnywhere(`${race} ${index}`)).toBe(false);
        }
      });
    });

    it('prunes removed notifications, processed-event records and withdrawals older than the given time, and only those', async () => {
      const [author, postId, fan, late] = [user(), user(), user(), user()];
      const like = likeCreated(fan, postId, author, t(0));
      const oldComment = commentCreated(fan, postId, author, 'old', t(SECOND));
      clock = () => new Date(Date.now() - NOTIFICATION_PRUNE_AGE_MS - DAY);
      await handle(like, oldComment, commentDeleted(oldComment));
      clock = () => new Date();
      const recent = commentCreated(fan, postId, author, 'recent', t(2 * SECOND));
      await handle(recent, commentDeleted(recent), likeCreated(late, postId, author, t(3 * SECOND)));
      const before = await changesAfter(author, '0');
      expect(before.removed).toHaveLength(2);

      const olderThan = new Date(Date.now() - NOTIFICATION_PRUNE_AGE_MS);
      // Only this test moves the clock back: the old comment's removal, the three old events, and
      // the old comment's withdrawal.
      expect(await service.prune(olderThan)).toEqual({ notifications: 1, events: 3, withdrawals: 1 });
      expect(await service.prune(olderThan)).toEqual({ notifications: 0, events: 0, withdrawals: 0 });

      const after = await changesAfter(author, '0');
      expect(after.items).toEqual(before.items);
      expect(after.removed).toEqual(
        before.removed.filter((removed) => removed.seq === before.removed[1]!.seq),
      );

      // Its record pruned, a redelivered like finds its liker in the group already: no change.
      const announces = announcesOf(author);
      await handle(like);
      expect(await changesAfter(author, '0')).toEqual(after);
      expect(announcesOf(author)).toBe(announces);
    });
  });
}
