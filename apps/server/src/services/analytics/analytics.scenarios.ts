import { sql, type Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DailyFigures } from '../../generated/glimpse/analytics/v1/analytics.js';
import type { GetPostsRequest, PostService } from '../../generated/glimpse/post/v1/post.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import { IdGenerator } from '../../platform/ids/snowflake.js';
import type { OutboxTables } from '../../platform/outbox/outbox.repository.js';
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
import {
  POST_DELETED,
  POST_PUBLISHED,
  type PostDeletedPayload,
  type PostPublishedPayload,
} from '../post/post.events.js';
import { PostServiceImpl } from '../post/post.service.js';
import { FakeMediaService } from '../post/post.testing.js';
import { SqlPostsRepository } from '../post/posts.repository.js';
import {
  FOLLOW_CREATED,
  FOLLOW_REMOVED,
  type FollowCreatedPayload,
  type FollowRemovedPayload,
} from '../user/user.events.js';
import { addMinutes, AUTHOR_SHARDS, hourOf, minuteOf, MINUTE_SHARDS } from './analytics.buckets.js';
import { ANALYTICS_TOPICS, AnalyticsConsumer } from './analytics.consumer.js';
import { IMPRESSIONS_RECORDED, type ImpressionsRecordedPayload } from './analytics.events.js';
import { SqlAnalyticsRepository } from './analytics.repository.js';
import { DELETE_BATCH } from '../../platform/sql/batched-delete.js';
import { AnalyticsServiceImpl, type AnalyticsServiceDeps } from './analytics.service.js';
import type { AnalyticsTables, ImpressionDedupRow } from './analytics.tables.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** `base` moved by `ms`. */
const later = (base: Date, ms: number): Date => new Date(base.getTime() + ms);

/** Only the figures of a day, for compact expectations. */
function figures(day: DailyFigures | undefined): number[] {
  if (day === undefined) return [];
  return [day.followersGained, day.followersLost, day.likes, day.comments, day.impressions].map(Number);
}

interface PostRef {
  postId: string;
  authorId: string;
}

/**
 * The analytics service and its consumer with the real repository, the real outbox and the real
 * post service on a freshly migrated database. Events reach the consumer either as a relay would
 * carry them from the outbox, or made here as the other services make them. Each test works in
 * its own authors and its own stretch of time, so tests share the database without sharing
 * figures. Run by one spec per SQL adapter, so PGlite is held to PostgreSQL.
 */
export function describeAnalyticsScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`analytics service on ${name}`, () => {
    let db: SqlDatabase;
    let posts: PostServiceImpl;
    let analytics: AnalyticsServiceImpl;
    let consumer: AnalyticsConsumer;
    const ids = new IdGenerator(6);
    const media = new FakeMediaService(ids);
    const factory = new EventFactory(ids);
    /** The clock of the analytics service and consumer; each test sets it. */
    let clock = new Date();
    /** The post ids of every getPosts call the consumer made, in order. */
    const getPostsCalls: string[][] = [];
    const malformed: { event: EventEnvelope; problem: string }[] = [];

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['posts', 'analytics', 'outbox'] });
      posts = new PostServiceImpl({ posts: new SqlPostsRepository(db), media, ids });
      const repository = new SqlAnalyticsRepository(db);
      analytics = service({});
      const postsForConsumer: Pick<PostService, 'getPosts'> = {
        getPosts: (request: GetPostsRequest) => {
          getPostsCalls.push([...request.postIds]);
          return posts.getPosts(request);
        },
      };
      consumer = new AnalyticsConsumer({
        analytics: repository,
        posts: postsForConsumer,
        onMalformed: (event, problem) => malformed.push({ event, problem }),
        now: () => clock,
      });
    });

    afterAll(async () => {
      await db?.close();
    });

    function service(extra: Partial<AnalyticsServiceDeps>): AnalyticsServiceImpl {
      return new AnalyticsServiceImpl({
        analytics: new SqlAnalyticsRepository(db),
        posts,
        ids,
        now: () => clock,
        ...extra,
      });
    }

    /** A post of `authorId` (a new author by default), published through the post service. */
    async function publishedPost(authorId = ids.next()): Promise<PostRef> {
      const post = await posts.createPost({ authorId, caption: '', mediaIds: [media.add(authorId)] });
      return { postId: post.id, authorId };
    }

    /**
     * What the outbox relay and the bus do: takes the pending outbox events of the analytics
     * topics (of `only` when given), oldest first, and hands each to the consumer. Returns them.
     */
    async function relay(only: readonly string[] = ANALYTICS_TOPICS): Promise<EventEnvelope[]> {
      const outbox = db.kysely<OutboxTables>();
      const rows = await outbox
        .selectFrom('outbox.events')
        .select(['id', 'topic', 'key', 'payload', 'occurred_at'])
        .where('topic', 'in', [...only])
        .orderBy('id')
        .execute();
      if (rows.length > 0) {
        await outbox
          .deleteFrom('outbox.events')
          .where(
            'id',
            'in',
            rows.map((row) => row.id),
          )
          .execute();
      }
      const events = rows.map((row) => ({
        id: row.id,
        type: row.topic,
        key: row.key,
        occurredAt: row.occurred_at.toISOString(),
        payload: row.payload,
      }));
      for (const event of events) await consumer.handle(event);
      return events;
    }

    /** An event as its producer makes it, handed to the consumer; returns it for redelivery. */
    async function deliver<T>(type: string, key: string, payload: T, at: Date): Promise<EventEnvelope<T>> {
      const event = factory.create(type, key, payload, at);
      await consumer.handle(event);
      return event;
    }

    function published(post: PostRef, at: Date): Promise<EventEnvelope<PostPublishedPayload>> {
      const iso = at.toISOString();
      return deliver<PostPublishedPayload>(
        POST_PUBLISHED,
        post.postId,
        { ...post, mediaIds: [ids.next()], createdAt: iso, publishedAt: iso },
        at,
      );
    }

    function deleted(post: PostRef, at: Date): Promise<EventEnvelope<PostDeletedPayload>> {
      return deliver<PostDeletedPayload>(
        POST_DELETED,
        post.postId,
        { ...post, deletedAt: at.toISOString() },
        at,
      );
    }

    /** A like (or with `removed`, an unlike) of the post by a new user. */
    function liked(post: PostRef, at: Date, removed = false): Promise<EventEnvelope> {
      const payload = { userId: ids.next(), postId: post.postId, postAuthorId: post.authorId };
      return removed
        ? deliver<LikeRemovedPayload>(
            LIKE_REMOVED,
            post.postId,
            { ...payload, removedAt: at.toISOString() },
            at,
          )
        : deliver<LikeCreatedPayload>(
            LIKE_CREATED,
            post.postId,
            { ...payload, createdAt: at.toISOString() },
            at,
          );
    }

    function commented(post: PostRef, at: Date, removed = false): Promise<EventEnvelope> {
      const payload = {
        commentId: ids.next(),
        postId: post.postId,
        postAuthorId: post.authorId,
        authorId: ids.next(),
        body: 'nice',
      };
      return removed
        ? deliver<CommentDeletedPayload>(
            COMMENT_DELETED,
            post.postId,
            { ...payload, deletedAt: at.toISOString() },
            at,
          )
        : deliver<CommentCreatedPayload>(
            COMMENT_CREATED,
            post.postId,
            { ...payload, createdAt: at.toISOString() },
            at,
          );
    }

    function followed(followeeId: string, at: Date, removed = false): Promise<EventEnvelope> {
      const payload = { followerId: ids.next(), followeeId, followId: ids.next() };
      return removed
        ? deliver<FollowRemovedPayload>(
            FOLLOW_REMOVED,
            followeeId,
            { ...payload, removedAt: at.toISOString() },
            at,
          )
        : deliver<FollowCreatedPayload>(
            FOLLOW_CREATED,
            followeeId,
            { ...payload, createdAt: at.toISOString() },
            at,
          );
    }

    function seen(
      viewerId: string,
      postIds: string[],
      at: Date,
    ): Promise<EventEnvelope<ImpressionsRecordedPayload>> {
      return deliver<ImpressionsRecordedPayload>(
        IMPRESSIONS_RECORDED,
        viewerId,
        { viewerId, postIds, viewedAt: at.toISOString() },
        at,
      );
    }

    /** The author's totals over the last `days` days, as numbers. */
    async function totalsOf(authorId: string, days = 1): Promise<Record<string, number>> {
      const { totals } = await analytics.getCreatorAnalytics({ userId: authorId, days });
      return Object.fromEntries(Object.entries(totals ?? {}).map(([key, value]) => [key, Number(value)]));
    }

    /** The hours of the viewer's impression dedup rows, oldest first. */
    async function dedupHours(viewerId: string): Promise<string[]> {
      const rows = await db
        .kysely<AnalyticsTables>()
        .selectFrom('analytics.impression_dedup')
        .select('hour')
        .where('viewer_id', '=', viewerId)
        .orderBy('hour')
        .execute();
      return rows.map((row) => row.hour.toISOString());
    }

    async function pendingImpressionEvents(viewerId: string): Promise<{ key: string; payload: unknown }[]> {
      return db
        .kysely<OutboxTables>()
        .selectFrom('outbox.events')
        .select(['key', 'payload'])
        .where('topic', '=', IMPRESSIONS_RECORDED)
        .where('key', '=', viewerId)
        .orderBy('id')
        .execute();
    }

    it('accepts impressions as one outbox event keyed by the viewer, counting nothing yet', async () => {
      clock = new Date('2027-01-10T09:15:00.000Z');
      const [a, b] = [await publishedPost(), await publishedPost()];
      await relay();
      const viewerId = ids.next();

      await expect(
        analytics.recordImpressions({ viewerId, postIds: [a.postId, b.postId, a.postId] }),
      ).resolves.toEqual({ accepted: 2 });
      expect(await pendingImpressionEvents(viewerId)).toEqual([
        {
          key: viewerId,
          payload: { viewerId, postIds: [a.postId, b.postId], viewedAt: '2027-01-10T09:15:00.000Z' },
        },
      ]);
      expect(await totalsOf(a.authorId)).toMatchObject({ impressions: 0 });

      // Counted once the consumer has the event.
      expect((await relay()).map((event) => event.type)).toEqual([IMPRESSIONS_RECORDED]);
      expect(await totalsOf(a.authorId)).toMatchObject({ impressions: 1 });
      expect(await totalsOf(b.authorId)).toMatchObject({ impressions: 1 });

      // Nothing to count is not an event.
      await expect(analytics.recordImpressions({ viewerId, postIds: [] })).resolves.toEqual({ accepted: 0 });
      expect(await pendingImpressionEvents(viewerId)).toEqual([]);
    });

    it('refuses impressions with too many posts, malformed post ids or a bad viewer, writing nothing', async () => {
      clock = new Date('2027-01-11T09:15:00.000Z');
      const viewerId = ids.next();
      const tooMany = await rejection(
        analytics.recordImpressions({ viewerId, postIds: Array.from({ length: 101 }, () => ids.next()) }),
      );
      expect(tooMany).toMatchObject({ kind: 'invalid', errors: [{ path: 'postIds' }] });
      const junk = await rejection(
        analytics.recordImpressions({ viewerId, postIds: [ids.next(), 'junk', '0', ids.next(), '-1'] }),
      );
      expect(junk).toMatchObject({
        kind: 'invalid',
        errors: [{ path: 'postIds.1' }, { path: 'postIds.2' }, { path: 'postIds.4' }],
      });
      const noViewer = await rejection(analytics.recordImpressions({ viewerId: '', postIds: [ids.next()] }));
      expect(noViewer).toMatchObject({ kind: 'invalid', errors: [{ path: 'viewerId' }] });
      expect(await pendingImpressionEvents(viewerId)).toEqual([]);
      // 100 is allowed.
      const hundred = Array.from({ length: 100 }, () => ids.next());
      await expect(analytics.recordImpressions({ viewerId, postIds: hundred })).resolves.toEqual({
        accepted: 100,
      });
      await relay();
    });

    it('counts an impression once per viewer, post and hour, never for the viewer’s own, unknown or deleted posts', async () => {
      const start = new Date('2027-02-01T10:05:00.000Z');
      clock = start;
      const authorId = ids.next();
      const viewer = ids.next();
      const [p1, p2, gone] = [
        await publishedPost(authorId),
        await publishedPost(authorId),
        await publishedPost(authorId),
      ];
      const own = await publishedPost(viewer);
      await posts.deletePost(gone);
      await relay();
      // Published, but its post.published not consumed yet: the consumer asks the post service.
      const fresh = await publishedPost(authorId);
      const unknown = ids.next();

      const batch = [p1.postId, p2.postId, fresh.postId, gone.postId, own.postId, unknown];
      await expect(analytics.recordImpressions({ viewerId: viewer, postIds: batch })).resolves.toEqual({
        accepted: 6,
      });
      getPostsCalls.length = 0;
      await relay([IMPRESSIONS_RECORDED]);
      expect(getPostsCalls).toEqual([[fresh.postId, unknown]]);

      let report = await analytics.getCreatorAnalytics({ userId: authorId, days: 1 });
      expect(report.totals).toMatchObject({ impressions: '3' });
      expect(await totalsOf(own.authorId)).toMatchObject({ impressions: 0 });

      // The same hour again (and the author looking at their own posts): nothing more.
      clock = later(start, 50 * 60 * 1000);
      await analytics.recordImpressions({ viewerId: viewer, postIds: [p1.postId, fresh.postId] });
      await analytics.recordImpressions({ viewerId: authorId, postIds: [p1.postId, p2.postId] });
      getPostsCalls.length = 0;
      // Its late post.published changes nothing of what was learned from the post service.
      await relay();
      expect(getPostsCalls).toEqual([]);
      expect(await totalsOf(authorId)).toMatchObject({ impressions: 3 });

      // The next hour counts again.
      clock = later(start, HOUR_MS);
      await analytics.recordImpressions({ viewerId: viewer, postIds: [p1.postId, gone.postId] });
      await relay();
      report = await analytics.getCreatorAnalytics({ userId: authorId, days: 1 });
      expect(report.totals).toMatchObject({ impressions: '4' });
      // Ties (no likes or comments, one impression each) go to the newest post.
      expect(report.topPosts.map((post) => [post.postId, post.impressions])).toEqual([
        [p1.postId, '2'],
        [fresh.postId, '1'],
        [p2.postId, '1'],
      ]);
      const post = await analytics.getPostAnalytics({ postId: p1.postId, requesterId: authorId, days: 1 });
      expect(post.totals).toMatchObject({ impressions: '2' });

      // Only aggregates leave the service.
      const stats = await analytics.getSystemStats({});
      for (const answer of [report, post, stats]) expect(JSON.stringify(answer)).not.toContain(viewer);
    });

    it('spreads a popular author’s hour over a few rows, and reads their sum', async () => {
      const hour = new Date('2027-02-20T16:00:00.000Z');
      clock = later(hour, 55 * 60 * 1000);
      const post = await publishedPost();
      await relay();
      for (let i = 0; i < 40; i++) await seen(ids.next(), [post.postId], later(hour, i * 60 * 1000));
      for (let i = 0; i < 10; i++) await liked(post, later(hour, i * 60 * 1000));
      await followed(post.authorId, hour);

      const report = await analytics.getCreatorAnalytics({ userId: post.authorId, days: 1 });
      expect(report.totals).toEqual({
        followersGained: '1',
        followersLost: '0',
        likes: '10',
        comments: '0',
        impressions: '40',
      });
      expect(report.days.map(figures)).toEqual([[1, 0, 10, 0, 40]]);
      expect(report.topPosts).toEqual([
        { postId: post.postId, likes: '10', comments: '0', impressions: '40' },
      ]);
      const { rows } = await sql<{ shards: string; impressions: string }>`
        select count(*) as shards, sum(impressions) as impressions from analytics.author_hourly
        where author_id = ${post.authorId} and hour = ${hour}`.execute(db.kysely<AnalyticsTables>());
      expect(Number(rows[0]?.impressions)).toBe(40);
      expect(Number(rows[0]?.shards)).toBeGreaterThan(1);
      expect(Number(rows[0]?.shards)).toBeLessThanOrEqual(AUTHOR_SHARDS);
    });

    it('rolls likes, comments and follows up by the hour they happened; unlikes, deleted comments and unfollows count', async () => {
      const today = new Date('2027-03-15T18:00:00.000Z');
      clock = later(today, 30 * 60 * 1000);
      const post = { postId: ids.next(), authorId: ids.next() };
      await published(post, later(today, -3 * DAY_MS));
      const twoDaysAgo = later(today, -2 * DAY_MS);
      const yesterday = later(today, -DAY_MS);
      for (let i = 0; i < 3; i++) await followed(post.authorId, twoDaysAgo);
      for (let i = 0; i < 3; i++) await liked(post, yesterday);
      await liked(post, today, true);
      await commented(post, today);
      await commented(post, today);
      await commented(post, later(today, 5 * 60 * 1000), true);
      await followed(post.authorId, today, true);
      // Another author's events do not leak in.
      await liked({ postId: ids.next(), authorId: ids.next() }, today);

      const report = await analytics.getCreatorAnalytics({ userId: post.authorId, days: 3 });
      expect(report.days.map((day) => day.date)).toEqual(['2027-03-13', '2027-03-14', '2027-03-15']);
      // [followersGained, followersLost, likes, comments, impressions]
      expect(report.days.map(figures)).toEqual([
        [3, 0, 0, 0, 0],
        [0, 0, 3, 0, 0],
        [0, 1, -1, 1, 0],
      ]);
      expect(report.totals).toEqual({
        followersGained: '3',
        followersLost: '1',
        likes: '2',
        comments: '1',
        impressions: '0',
      });
      expect(report.topPosts).toEqual([{ postId: post.postId, likes: '2', comments: '1', impressions: '0' }]);

      // One day: only today's figures.
      expect(await totalsOf(post.authorId, 1)).toEqual({
        followersGained: 0,
        followersLost: 1,
        likes: -1,
        comments: 1,
        impressions: 0,
      });
    });

    it('applies a redelivered event once, even when deliveries race', async () => {
      // A stretch of time of its own: the system figures of its minute are this test's alone.
      const minute = new Date('2030-05-05T05:05:00.000Z');
      clock = later(minute, 60 * 1000 + 1);
      const post = { postId: ids.next(), authorId: ids.next() };
      const viewer = ids.next();
      const events: EventEnvelope[] = [
        await published(post, minute),
        await liked(post, minute),
        await commented(post, minute),
        await followed(post.authorId, minute),
        await seen(viewer, [post.postId], minute),
      ];
      const before = await analytics.getCreatorAnalytics({ userId: post.authorId, days: 1 });
      const statsBefore = await analytics.getSystemStats({});

      for (const event of events) {
        await consumer.handle(event);
        await Promise.all(Array.from({ length: 5 }, () => consumer.handle(event)));
      }
      const deletion = await deleted(post, minute);
      await consumer.handle(deletion);

      expect(await analytics.getCreatorAnalytics({ userId: post.authorId, days: 1 })).toEqual({
        ...before,
        topPosts: [],
      });
      expect(before.totals).toEqual({
        followersGained: '1',
        followersLost: '0',
        likes: '1',
        comments: '1',
        impressions: '1',
      });
      const stats = await analytics.getSystemStats({});
      expect(stats).toEqual(statsBefore);
      expect(stats).toMatchObject({
        likesPerMinute: 1 / 15,
        commentsPerMinute: 1 / 15,
        postsPerMinute: 1 / 15,
        followsPerMinute: 1 / 15,
        impressionsPerMinute: 1 / 15,
      });
    });

    it('answers a zero-filled daily series over UTC days, oldest first, for the requested period', async () => {
      const midnight = new Date('2027-04-20T00:00:00.000Z');
      clock = later(midnight, 12 * HOUR_MS);
      const post = { postId: ids.next(), authorId: ids.next() };
      await published(post, later(midnight, -30 * DAY_MS));
      await liked(post, later(midnight, -1)); // the last millisecond of yesterday
      await liked(post, midnight);
      await liked(post, later(midnight, -6 * DAY_MS));
      await liked(post, later(midnight, -7 * DAY_MS)); // before a 7-day period

      const week = await analytics.getCreatorAnalytics({ userId: post.authorId, days: 7 });
      expect(week.days.map((day) => [day.date, Number(day.likes)])).toEqual([
        ['2027-04-14', 1],
        ['2027-04-15', 0],
        ['2027-04-16', 0],
        ['2027-04-17', 0],
        ['2027-04-18', 0],
        ['2027-04-19', 1],
        ['2027-04-20', 1],
      ]);
      expect(week.totals).toMatchObject({ likes: '3' });
      expect(week.topPosts).toEqual([{ postId: post.postId, likes: '3', comments: '0', impressions: '0' }]);

      const standard = await analytics.getCreatorAnalytics({ userId: post.authorId, days: 0 });
      expect(standard.days).toHaveLength(30);
      expect([standard.days[0]?.date, standard.days.at(-1)?.date]).toEqual(['2027-03-22', '2027-04-20']);
      expect(standard.totals).toMatchObject({ likes: '4' });
    });

    it('ranks at most 10 top posts by engagement, then impressions, then newest, leaving deleted posts out', async () => {
      const day = new Date('2027-05-02T08:00:00.000Z');
      clock = later(day, HOUR_MS);
      const authorId = ids.next();
      const made: PostRef[] = [];
      for (let i = 0; i < 13; i++) {
        const post = { postId: ids.next(), authorId };
        made.push(post);
        await published(post, later(day, -DAY_MS));
      }
      const [a, b, c, removed, ...rest] = made as [PostRef, PostRef, PostRef, PostRef, ...PostRef[]];
      // a: 2 likes + 1 comment; b: 3 likes, 2 impressions; c: 1 like + 2 comments, 2 impressions.
      for (const [post, likes, comments] of [
        [a, 2, 1],
        [b, 3, 0],
        [c, 1, 2],
        [removed, 9, 0],
      ] as const) {
        for (let i = 0; i < likes; i++) await liked(post, day);
        for (let i = 0; i < comments; i++) await commented(post, day);
      }
      for (let i = 0; i < 2; i++) await seen(ids.next(), [b.postId, c.postId], day);
      for (const post of rest) await liked(post, day);
      // A post liked only before the period does not rank.
      const old = { postId: ids.next(), authorId };
      await published(old, later(day, -3 * DAY_MS));
      for (let i = 0; i < 20; i++) await liked(old, later(day, -3 * DAY_MS));
      await deleted(removed, later(day, 10 * 60 * 1000));

      const report = await analytics.getCreatorAnalytics({ userId: authorId, days: 2 });
      const newestFirst = [...rest].reverse().map((post) => post.postId);
      expect(report.topPosts.map((post) => post.postId)).toEqual([
        c.postId,
        b.postId,
        a.postId,
        ...newestFirst.slice(0, 7),
      ]);
      expect(report.topPosts.slice(0, 3)).toEqual([
        { postId: c.postId, likes: '1', comments: '2', impressions: '2' },
        { postId: b.postId, likes: '3', comments: '0', impressions: '2' },
        { postId: a.postId, likes: '2', comments: '1', impressions: '0' },
      ]);
      // The deleted post's likes happened: they stay in the author's figures.
      expect(report.totals).toMatchObject({ likes: String(2 + 3 + 1 + 9 + rest.length), comments: '3' });
    });

    it('shows a post’s totals since publication and its daily series to its author alone', async () => {
      const today = new Date('2027-06-10T07:00:00.000Z');
      clock = later(today, HOUR_MS);
      const post = await publishedPost();
      const other = await publishedPost();
      await relay();
      await liked(post, later(today, -10 * DAY_MS));
      await liked(post, later(today, -DAY_MS));
      await commented(post, today);
      await seen(ids.next(), [post.postId], today);
      await liked(other, today);

      const report = await analytics.getPostAnalytics({
        postId: post.postId,
        requesterId: post.authorId,
        days: 2,
      });
      expect(report).toEqual({
        postId: post.postId,
        totals: { followersGained: '0', followersLost: '0', likes: '2', comments: '1', impressions: '1' },
        days: [
          {
            date: '2027-06-09',
            followersGained: '0',
            followersLost: '0',
            likes: '1',
            comments: '0',
            impressions: '0',
          },
          {
            date: '2027-06-10',
            followersGained: '0',
            followersLost: '0',
            likes: '0',
            comments: '1',
            impressions: '1',
          },
        ],
      });
      const standard = await analytics.getPostAnalytics({
        postId: post.postId,
        requesterId: post.authorId,
        days: 0,
      });
      expect(standard.days).toHaveLength(30);

      const forbidden = await rejection(
        analytics.getPostAnalytics({ postId: post.postId, requesterId: other.authorId, days: 7 }),
      );
      expect(forbidden.kind).toBe('forbidden');
      await posts.deletePost(other);
      for (const postId of [ids.next(), 'junk', other.postId]) {
        const missing = await rejection(
          analytics.getPostAnalytics({ postId, requesterId: post.authorId, days: 7 }),
        );
        expect(missing.kind).toBe('not_found');
      }
    });

    it('refuses a period outside 1..365 days, and a bad user id', async () => {
      clock = new Date('2027-06-11T07:00:00.000Z');
      const post = await publishedPost();
      for (const days of [-1, 366, 2.5]) {
        const creator = await rejection(analytics.getCreatorAnalytics({ userId: post.authorId, days }));
        expect(creator).toMatchObject({ kind: 'invalid', errors: [{ path: 'days' }] });
        const single = await rejection(
          analytics.getPostAnalytics({ postId: post.postId, requesterId: post.authorId, days }),
        );
        expect(single).toMatchObject({ kind: 'invalid', errors: [{ path: 'days' }] });
      }
      expect((await analytics.getCreatorAnalytics({ userId: post.authorId, days: 365 })).days).toHaveLength(
        365,
      );
      const badUser = await rejection(analytics.getCreatorAnalytics({ userId: 'me', days: 7 }));
      expect(badUser).toMatchObject({ kind: 'invalid', errors: [{ path: 'userId' }] });
    });

    it('reports system rates as the mean of the last 15 complete minutes, with the lag figures of its providers', async () => {
      // A stretch of time of its own: no other test files events in it.
      const current = new Date('2031-01-01T10:00:00.000Z');
      clock = later(current, 30 * 1000);
      const minutesAgo = (minutes: number): Date => later(current, -minutes * 60 * 1000 + 15 * 1000);
      const post = { postId: ids.next(), authorId: ids.next() };
      for (let i = 0; i < 30; i++) await liked(post, minutesAgo(1));
      for (let i = 0; i < 15; i++) await liked(post, minutesAgo(15));
      for (let i = 0; i < 15; i++) await commented(post, minutesAgo(7));
      for (let i = 0; i < 3; i++)
        await published({ postId: ids.next(), authorId: post.authorId }, minutesAgo(2));
      for (let i = 0; i < 6; i++) await followed(ids.next(), minutesAgo(3));
      await published(post, minutesAgo(20));
      await seen(ids.next(), [post.postId], minutesAgo(4));
      await seen(ids.next(), [post.postId], minutesAgo(4));
      // Outside the window: before it, and the current minute, still filling.
      for (let i = 0; i < 10; i++) await liked(post, minutesAgo(16));
      for (let i = 0; i < 10; i++) await liked(post, current);
      // Removals are not activity: they do not add to the rates.
      await liked(post, minutesAgo(1), true);
      await commented(post, minutesAgo(1), true);
      await followed(post.authorId, minutesAgo(1), true);

      const calm = await analytics.getSystemStats({});
      expect(calm).toEqual({
        likesPerMinute: 3,
        commentsPerMinute: 1,
        postsPerMinute: 0.2,
        followsPerMinute: 0.4,
        impressionsPerMinute: 2 / 15,
        consumerLag: [],
        measuredAt: '2031-01-01T10:00:30.000Z',
      });
      // The busiest minute was spread over several rows.
      const { rows } = await sql<{ shards: string; likes: string }>`
        select count(*) as shards, sum(likes) as likes from analytics.minute_stats
        where minute = ${minutesAgo(1)}::timestamptz - interval '15 seconds'`.execute(
        db.kysely<AnalyticsTables>(),
      );
      expect(Number(rows[0]?.likes)).toBe(30);
      expect(Number(rows[0]?.shards)).toBeGreaterThan(1);

      const lagErrors: Error[] = [];
      const withLag = service({
        fanoutLag: () => Promise.resolve(2.5),
        consumerLag: () =>
          Promise.resolve([
            { group: 'fanout', lag: 7 },
            { group: 'analytics', lag: 0 },
          ]),
        onLagError: (err) => lagErrors.push(err),
      });
      await expect(withLag.getSystemStats({})).resolves.toEqual({
        ...calm,
        fanoutLagSeconds: 2.5,
        consumerLag: [
          { group: 'fanout', lag: '7' },
          { group: 'analytics', lag: '0' },
        ],
      });
      const noFanoutYet = service({ fanoutLag: () => Promise.resolve(undefined) });
      expect(await noFanoutYet.getSystemStats({})).not.toHaveProperty('fanoutLagSeconds');

      const failing = service({
        fanoutLag: () => Promise.reject(new Error('metrics unreachable')),
        consumerLag: () => Promise.resolve([{ group: 'fanout', lag: 3 }]),
        onLagError: (err) => lagErrors.push(err),
      });
      await expect(failing.getSystemStats({})).resolves.toEqual({
        ...calm,
        consumerLag: [{ group: 'fanout', lag: '3' }],
      });
      const bothFailing = service({
        fanoutLag: () => Promise.resolve(1),
        consumerLag: () => Promise.reject(new Error('kafka admin down')),
        onLagError: (err) => lagErrors.push(err),
      });
      await expect(bothFailing.getSystemStats({})).resolves.toEqual({ ...calm, fanoutLagSeconds: 1 });
      expect(lagErrors.map((err) => err.message)).toEqual(['metrics unreachable', 'kafka admin down']);
    });

    it('passes over malformed events, telling onMalformed, and counts nothing of them', async () => {
      const at = new Date('2027-07-01T12:00:00.000Z');
      clock = at;
      const post = { postId: ids.next(), authorId: ids.next() };
      await published(post, at);
      malformed.length = 0;
      const good = factory.create<LikeCreatedPayload>(
        LIKE_CREATED,
        post.postId,
        { userId: ids.next(), postId: post.postId, postAuthorId: post.authorId, createdAt: at.toISOString() },
        at,
      );
      const bad: EventEnvelope[] = [
        { ...good, id: 'not-an-id' },
        { ...good, id: ids.next(), occurredAt: 'yesterday' },
        { ...good, id: ids.next(), payload: { postId: post.postId } },
        { ...good, id: ids.next(), payload: null },
        { ...good, id: ids.next(), type: FOLLOW_CREATED, payload: { followeeId: 42 } },
        {
          ...good,
          id: ids.next(),
          type: IMPRESSIONS_RECORDED,
          payload: { viewerId: ids.next(), postIds: 'all' },
        },
        {
          ...good,
          id: ids.next(),
          type: IMPRESSIONS_RECORDED,
          payload: { viewerId: ids.next(), postIds: ['x'] },
        },
        {
          ...good,
          id: ids.next(),
          type: POST_PUBLISHED,
          payload: { postId: post.postId, authorId: post.authorId },
        },
        { ...good, id: ids.next(), type: 'media.ready' },
      ];
      for (const event of bad) await expect(consumer.handle(event)).resolves.toBeUndefined();
      expect(malformed.map((entry) => entry.event)).toEqual(bad);
      expect(malformed.every((entry) => entry.problem.length > 0)).toBe(true);
      expect(await totalsOf(post.authorId)).toEqual({
        followersGained: 0,
        followersLost: 0,
        likes: 0,
        comments: 0,
        impressions: 0,
      });
    });

    it('prunes applied event ids and impression dedup rows by when they were written, and old minute figures', async () => {
      const start = new Date('2032-03-03T03:10:00.000Z');
      clock = start;
      const post = { postId: ids.next(), authorId: ids.next() };
      const viewer = ids.next();
      await published(post, start);
      const first = await seen(viewer, [post.postId], start);
      clock = later(start, 2 * HOUR_MS);
      const recent = await seen(viewer, [post.postId], clock);
      const applied = async (eventId: string): Promise<boolean> =>
        (await db
          .kysely<AnalyticsTables>()
          .selectFrom('analytics.processed_events')
          .select('event_id')
          .where('event_id', '=', eventId)
          .executeTakeFirst()) !== undefined;
      expect(await dedupHours(viewer)).toEqual(['2032-03-03T03:00:00.000Z', '2032-03-03T05:00:00.000Z']);

      // 05:30: the 03:00 row is over two hours past its hour, but was written 2 h 20 min ago: kept,
      // so a late batch of 03:00 still dedupes.
      clock = later(start, 2 * HOUR_MS + 20 * 60 * 1000);
      await analytics.prune();
      expect(await dedupHours(viewer)).toEqual(['2032-03-03T03:00:00.000Z', '2032-03-03T05:00:00.000Z']);
      await seen(viewer, [post.postId], later(start, 30 * 60 * 1000));
      await seen(viewer, [post.postId], clock);
      expect(await totalsOf(post.authorId)).toMatchObject({ impressions: 2 });

      // 49 hours after 03:10, the row written then goes; the one written at 05:10 stays, and
      // event ids are kept longer still.
      clock = later(start, 49 * HOUR_MS);
      const pruned = await analytics.prune();
      expect(pruned.impressionDedup).toBeGreaterThanOrEqual(1);
      expect(await dedupHours(viewer)).toEqual(['2032-03-03T05:00:00.000Z']);
      expect([await applied(first.id), await applied(recent.id)]).toEqual([true, true]);

      // A week and more later, the event ids and the minute figures go too.
      clock = later(start, 8 * DAY_MS);
      const later8 = await analytics.prune();
      expect(later8.processedEvents).toBeGreaterThanOrEqual(5);
      expect(later8.minuteStats).toBeGreaterThanOrEqual(1);
      expect([await applied(first.id), await applied(recent.id)]).toEqual([false, false]);
      expect(await dedupHours(viewer)).toEqual([]);
      await expect(analytics.prune()).resolves.toEqual({
        processedEvents: 0,
        impressionDedup: 0,
        minuteStats: 0,
      });
    });

    it('does not count an impression of a backlog again after a prune, whatever its event id', async () => {
      // A Kafka outage: the impressions were recorded five hours before the consumer gets them.
      const now = new Date('2033-01-01T12:20:00.000Z');
      const viewedAt = later(now, -5 * HOUR_MS);
      clock = now;
      const post = await publishedPost();
      await relay();
      const viewer = ids.next();
      const first = await seen(viewer, [post.postId], viewedAt);
      expect(await totalsOf(post.authorId)).toMatchObject({ impressions: 1 });

      await analytics.prune();
      expect(await dedupHours(viewer)).toEqual(['2033-01-01T07:00:00.000Z']);

      // The same batch recorded twice (a retried request), and a later batch of the same hour,
      // reaching the consumer after the prune: new event ids, nothing more counted.
      await consumer.handle({ ...first, id: ids.next() });
      await seen(viewer, [post.postId], later(viewedAt, 30 * 60 * 1000));
      expect(await totalsOf(post.authorId)).toMatchObject({ impressions: 1 });
      // The next hour still counts.
      await seen(viewer, [post.postId], later(viewedAt, HOUR_MS));
      expect(await totalsOf(post.authorId)).toMatchObject({ impressions: 2 });
    });

    it('prunes in bounded statements until nothing old is left', async () => {
      clock = new Date('2034-06-01T00:00:00.000Z');
      await analytics.prune();
      const many = 2 * DELETE_BATCH + 7;
      const old = later(clock, -8 * DAY_MS);
      const kept = later(clock, -HOUR_MS);
      const tables = db.kysely<AnalyticsTables>();
      const viewer = ids.next();
      const dedupRow = (countedAt: Date): Insertable<ImpressionDedupRow> => ({
        viewer_id: viewer,
        post_id: ids.next(),
        hour: hourOf(countedAt),
        counted_at: countedAt,
      });
      await tables
        .insertInto('analytics.impression_dedup')
        .values([...Array.from({ length: many }, () => dedupRow(old)), dedupRow(kept)])
        .execute();
      await tables
        .insertInto('analytics.processed_events')
        .values(
          [...Array.from({ length: many }, () => old), kept].map((at) => ({
            event_id: ids.next(),
            processed_at: at,
          })),
        )
        .execute();
      await tables
        .insertInto('analytics.minute_stats')
        .values(
          Array.from({ length: many }, (_, index) => ({
            minute: addMinutes(minuteOf(old), -Math.floor(index / MINUTE_SHARDS)),
            shard: index % MINUTE_SHARDS,
            likes: 1,
          })),
        )
        .execute();

      await expect(analytics.prune()).resolves.toEqual({
        processedEvents: many,
        impressionDedup: many,
        minuteStats: many,
      });
      expect(await dedupHours(viewer)).toEqual([hourOf(kept).toISOString()]);
      const { count } = await tables
        .selectFrom('analytics.processed_events')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(count)).toBe(1);
    });
  });
}
