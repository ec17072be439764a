import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';

import type { EventEnvelope } from '../../platform/events/events.port.js';
import { compareIds } from '../../platform/ids/snowflake.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { ImpressionsRecordedPayload } from './analytics.events.js';
import type { AnalyticsTables } from './analytics.tables.js';

/** An event being applied: its id, which makes applying it idempotent, and when it was. */
export interface EventReceipt {
  eventId: string;
  processedAt: Date;
}

export type MinuteMetric = 'likes' | 'comments' | 'posts' | 'follows' | 'impressions';
export type MinuteFigures = Record<MinuteMetric, number>;

/** An event's mark on the system figures: one more `metric` (impressions: one per counted) in its minute. */
export interface MinuteMark {
  minute: Date;
  shard: number;
  metric: MinuteMetric;
}

/** What a post event says of a post; a null time is one the event does not tell. */
export interface PostFacts {
  postId: string;
  authorId: string;
  publishedAt: Date | null;
  deletedAt: Date | null;
}

export interface PostAuthor {
  postId: string;
  authorId: string;
}

export interface KnownPost {
  authorId: string;
  deleted: boolean;
}

export interface Figures {
  followersGained: number;
  followersLost: number;
  likes: number;
  comments: number;
  impressions: number;
}

/** One like, comment or follow event's change to its author's hour (and its post's, when it has one). */
export interface Engagement {
  hour: Date;
  authorId: string;
  /** The author_hourly row of the hour the event adds to (shardOf its id). */
  authorShard: number;
  postId?: string;
  delta: Partial<Pick<Figures, 'followersGained' | 'followersLost' | 'likes' | 'comments'>>;
}

/** The posts one viewer saw in one hour, already restricted to those that may count. */
export interface ImpressionBatch {
  viewerId: string;
  hour: Date;
  /** The author_hourly row of the hour each author's impressions add to (shardOf the event id). */
  authorShard: number;
  posts: readonly PostAuthor[];
}

export interface DailyFiguresRow extends Figures {
  /** YYYY-MM-DD (UTC). */
  date: string;
}

export interface PostFiguresRow {
  postId: string;
  likes: number;
  comments: number;
  impressions: number;
}

export interface AnalyticsRepository {
  /** Appends impressions.recorded to the outbox: the whole cost of RecordImpressions. */
  appendImpressions(event: EventEnvelope<ImpressionsRecordedPayload>): Promise<void>;

  /**
   * Records what a post event tells (a publication or deletion time is never overwritten) and
   * counts it in its minute, once per event: false when the event was applied before.
   */
  recordPost(receipt: EventReceipt, facts: PostFacts, mark: MinuteMark | undefined): Promise<boolean>;
  /** Applies a like, comment or follow event to the hourly roll-ups, once: false when applied before. */
  recordEngagement(
    receipt: EventReceipt,
    engagement: Engagement,
    mark: MinuteMark | undefined,
  ): Promise<boolean>;
  /**
   * Counts the batch's impressions not counted yet for this viewer, post and hour, once per
   * event, remembering them as counted at the receipt's time. Returns how many it counted;
   * undefined when the event was applied before.
   */
  recordImpressions(
    receipt: EventReceipt,
    batch: ImpressionBatch,
    mark: Omit<MinuteMark, 'metric'>,
  ): Promise<number | undefined>;
  /** The author and state of the posts among `postIds` analytics knows. */
  findPosts(postIds: readonly string[]): Promise<Map<string, KnownPost>>;
  /** Remembers published posts learned from the post service; posts already known are left as they are. */
  rememberPosts(posts: readonly PostFacts[]): Promise<void>;
  /** Forgets at most `limit` events applied before `before`; returns how many. */
  pruneProcessedEvents(before: Date, limit: number): Promise<number>;
  /** Forgets at most `limit` impression dedup rows written before `before`; returns how many. */
  pruneImpressionDedup(before: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` per-minute rows of minutes before `before`; returns how many. */
  pruneMinuteStats(before: Date, limit: number): Promise<number>;

  /** The author's figures per UTC day within [from, to); days without rows are left out. */
  authorDaily(authorId: string, from: Date, to: Date): Promise<DailyFiguresRow[]>;
  /**
   * The author's posts with activity within [from, to), not known as deleted, by likes +
   * comments, then impressions, then post id, all descending; at most `limit`.
   */
  topPosts(authorId: string, from: Date, to: Date, limit: number): Promise<PostFiguresRow[]>;
  /** The post's figures per UTC day within [from, to); days without rows are left out. */
  postDaily(postId: string, from: Date, to: Date): Promise<DailyFiguresRow[]>;
  /** The post's figures over all its rows: since it was published. */
  postTotals(postId: string): Promise<Omit<PostFiguresRow, 'postId'>>;
  /** System-wide events within [from, to), every shard summed. */
  minuteTotals(from: Date, to: Date): Promise<MinuteFigures>;
}

const AUTHOR_FIGURES = ['followers_gained', 'followers_lost', 'likes', 'comments', 'impressions'] as const;
const POST_FIGURES = ['likes', 'comments', 'impressions'] as const;
const MINUTE_FIGURES = ['likes', 'comments', 'posts', 'follows', 'impressions'] as const;

/** The UTC day of an hourly row, whatever the session's time zone. */
const utcDate = sql<string>`to_char(hour at time zone 'UTC', 'YYYY-MM-DD')`;

/**
 * Roll-ups in PostgreSQL. Every write of an event is one transaction that first claims the
 * event's id in processed_events, then takes its row locks in one order (posts, impression_dedup,
 * post_hourly, author_hourly, minute_stats; within a table by ascending key), so that concurrent
 * consumers may wait for each other but never deadlock.
 */
export class SqlAnalyticsRepository implements AnalyticsRepository {
  private readonly db: Kysely<AnalyticsTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<AnalyticsTables>();
  }

  async appendImpressions(event: EventEnvelope<ImpressionsRecordedPayload>): Promise<void> {
    await appendToOutbox(this.db, [event]);
  }

  recordPost(receipt: EventReceipt, facts: PostFacts, mark: MinuteMark | undefined): Promise<boolean> {
    return this.once(receipt, async (trx) => {
      await trx
        .insertInto('analytics.posts')
        .values(postRow(facts))
        .onConflict((oc) =>
          oc.column('post_id').doUpdateSet({
            published_at: sql<Date | null>`coalesce(posts.published_at, excluded.published_at)`,
            deleted_at: sql<Date | null>`coalesce(posts.deleted_at, excluded.deleted_at)`,
          }),
        )
        .execute();
      if (mark !== undefined) await countMinute(trx, mark, 1);
      return true;
    }).then((applied) => applied ?? false);
  }

  recordEngagement(
    receipt: EventReceipt,
    engagement: Engagement,
    mark: MinuteMark | undefined,
  ): Promise<boolean> {
    const { hour, authorId, authorShard, postId, delta } = engagement;
    return this.once(receipt, async (trx) => {
      if (postId !== undefined) {
        await addPostHours(trx, [
          {
            post_id: postId,
            hour,
            author_id: authorId,
            likes: delta.likes ?? 0,
            comments: delta.comments ?? 0,
          },
        ]);
      }
      await addAuthorHours(trx, [
        {
          author_id: authorId,
          hour,
          shard: authorShard,
          followers_gained: delta.followersGained ?? 0,
          followers_lost: delta.followersLost ?? 0,
          likes: delta.likes ?? 0,
          comments: delta.comments ?? 0,
        },
      ]);
      if (mark !== undefined) await countMinute(trx, mark, 1);
      return true;
    }).then((applied) => applied ?? false);
  }

  recordImpressions(
    receipt: EventReceipt,
    batch: ImpressionBatch,
    mark: Omit<MinuteMark, 'metric'>,
  ): Promise<number | undefined> {
    const { viewerId, hour, authorShard } = batch;
    const posts = [...batch.posts].sort((a, b) => compareIds(a.postId, b.postId));
    return this.once(receipt, async (trx) => {
      if (posts.length === 0) return 0;
      const inserted = await trx
        .insertInto('analytics.impression_dedup')
        .values(
          posts.map((post) => ({
            viewer_id: viewerId,
            post_id: post.postId,
            hour,
            counted_at: receipt.processedAt,
          })),
        )
        .onConflict((oc) => oc.columns(['viewer_id', 'post_id', 'hour']).doNothing())
        .returning('post_id')
        .execute();
      const fresh = new Set(inserted.map((row) => row.post_id));
      const counted = posts.filter((post) => fresh.has(post.postId));
      if (counted.length === 0) return 0;

      await addPostHours(
        trx,
        counted.map((post) => ({ post_id: post.postId, hour, author_id: post.authorId, impressions: 1 })),
      );
      const perAuthor = new Map<string, number>();
      for (const post of counted) perAuthor.set(post.authorId, (perAuthor.get(post.authorId) ?? 0) + 1);
      await addAuthorHours(
        trx,
        [...perAuthor]
          .sort(([a], [b]) => compareIds(a, b))
          .map(([authorId, impressions]) => ({ author_id: authorId, hour, shard: authorShard, impressions })),
      );
      await countMinute(trx, { ...mark, metric: 'impressions' }, counted.length);
      return counted.length;
    });
  }

  async findPosts(postIds: readonly string[]): Promise<Map<string, KnownPost>> {
    if (postIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('analytics.posts')
      .select(['post_id', 'author_id', 'deleted_at'])
      .where('post_id', '=', sql<string>`any(${[...new Set(postIds)]}::bigint[])`)
      .execute();
    return new Map(
      rows.map((row) => [row.post_id, { authorId: row.author_id, deleted: row.deleted_at !== null }]),
    );
  }

  async rememberPosts(posts: readonly PostFacts[]): Promise<void> {
    if (posts.length === 0) return;
    await this.db
      .insertInto('analytics.posts')
      .values([...posts].sort((a, b) => compareIds(a.postId, b.postId)).map(postRow))
      .onConflict((oc) => oc.column('post_id').doNothing())
      .execute();
  }

  // Each prune statement deletes through the key the rows a limited scan of its index picks, so
  // that it locks and logs a bounded number of rows.

  async pruneProcessedEvents(before: Date, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('analytics.processed_events')
      .where('event_id', 'in', (eb) =>
        eb
          .selectFrom('analytics.processed_events')
          .select('event_id')
          .where('processed_at', '<', before)
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pruneImpressionDedup(before: Date, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('analytics.impression_dedup')
      .where((eb) =>
        eb(
          eb.refTuple('viewer_id', 'post_id', 'hour'),
          'in',
          eb
            .selectFrom('analytics.impression_dedup')
            .select(['viewer_id', 'post_id', 'hour'])
            .where('counted_at', '<', before)
            .limit(limit)
            .$asTuple('viewer_id', 'post_id', 'hour'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pruneMinuteStats(before: Date, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('analytics.minute_stats')
      .where((eb) =>
        eb(
          eb.refTuple('minute', 'shard'),
          'in',
          eb
            .selectFrom('analytics.minute_stats')
            .select(['minute', 'shard'])
            .where('minute', '<', before)
            .limit(limit)
            .$asTuple('minute', 'shard'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async authorDaily(authorId: string, from: Date, to: Date): Promise<DailyFiguresRow[]> {
    // One range of the primary key (author_id, hour, shard); the sums add the shards up.
    const rows = await this.db
      .selectFrom('analytics.author_hourly')
      .select((eb) => [
        utcDate.as('date'),
        ...AUTHOR_FIGURES.map((column) => eb.fn.sum<string>(column).as(column)),
      ])
      .where('author_id', '=', authorId)
      .where('hour', '>=', from)
      .where('hour', '<', to)
      .groupBy(utcDate)
      .execute();
    return rows.map((row) => ({
      date: row.date,
      followersGained: Number(row.followers_gained),
      followersLost: Number(row.followers_lost),
      likes: Number(row.likes),
      comments: Number(row.comments),
      impressions: Number(row.impressions),
    }));
  }

  async topPosts(authorId: string, from: Date, to: Date, limit: number): Promise<PostFiguresRow[]> {
    // post_hourly_author_idx gives the period's rows of the author; posts analytics never saw
    // published (a like consumed before post.published) are not known as deleted and stay in.
    const rows = await this.db
      .selectFrom('analytics.post_hourly as h')
      .leftJoin('analytics.posts as p', 'p.post_id', 'h.post_id')
      .select((eb) => [
        'h.post_id',
        eb.fn.sum<string>('h.likes').as('likes'),
        eb.fn.sum<string>('h.comments').as('comments'),
        eb.fn.sum<string>('h.impressions').as('impressions'),
      ])
      .where('h.author_id', '=', authorId)
      .where('h.hour', '>=', from)
      .where('h.hour', '<', to)
      .where('p.deleted_at', 'is', null)
      .groupBy('h.post_id')
      .orderBy(sql`sum(h.likes) + sum(h.comments)`, 'desc')
      .orderBy(sql`sum(h.impressions)`, 'desc')
      .orderBy('h.post_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      postId: row.post_id,
      likes: Number(row.likes),
      comments: Number(row.comments),
      impressions: Number(row.impressions),
    }));
  }

  async postDaily(postId: string, from: Date, to: Date): Promise<DailyFiguresRow[]> {
    const rows = await this.db
      .selectFrom('analytics.post_hourly')
      .select((eb) => [
        utcDate.as('date'),
        ...POST_FIGURES.map((column) => eb.fn.sum<string>(column).as(column)),
      ])
      .where('post_id', '=', postId)
      .where('hour', '>=', from)
      .where('hour', '<', to)
      .groupBy(utcDate)
      .execute();
    return rows.map((row) => ({
      date: row.date,
      followersGained: 0,
      followersLost: 0,
      likes: Number(row.likes),
      comments: Number(row.comments),
      impressions: Number(row.impressions),
    }));
  }

  async postTotals(postId: string): Promise<Omit<PostFiguresRow, 'postId'>> {
    const row = await this.db
      .selectFrom('analytics.post_hourly')
      .select((eb) => POST_FIGURES.map((column) => eb.fn.sum<string | null>(column).as(column)))
      .where('post_id', '=', postId)
      .executeTakeFirstOrThrow();
    return { likes: Number(row.likes), comments: Number(row.comments), impressions: Number(row.impressions) };
  }

  async minuteTotals(from: Date, to: Date): Promise<MinuteFigures> {
    const row = await this.db
      .selectFrom('analytics.minute_stats')
      .select((eb) => MINUTE_FIGURES.map((column) => eb.fn.sum<string | null>(column).as(column)))
      .where('minute', '>=', from)
      .where('minute', '<', to)
      .executeTakeFirstOrThrow();
    return {
      likes: Number(row.likes),
      comments: Number(row.comments),
      posts: Number(row.posts),
      follows: Number(row.follows),
      impressions: Number(row.impressions),
    };
  }

  /**
   * Runs `apply` in one transaction with the claim of the event's id: the result of `apply`, or
   * undefined (nothing done) when the id was claimed before.
   */
  private once<T>(
    receipt: EventReceipt,
    apply: (trx: Transaction<AnalyticsTables>) => Promise<T>,
  ): Promise<T | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('analytics.processed_events')
        .values({ event_id: receipt.eventId, processed_at: receipt.processedAt })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .returning('event_id')
        .executeTakeFirst();
      return claimed === undefined ? undefined : apply(trx);
    });
  }
}

function postRow(facts: PostFacts): {
  post_id: string;
  author_id: string;
  published_at: Date | null;
  deleted_at: Date | null;
} {
  return {
    post_id: facts.postId,
    author_id: facts.authorId,
    published_at: facts.publishedAt,
    deleted_at: facts.deletedAt,
  };
}

/** `column = <table>.column + excluded.column` for each column: an upsert that adds. */
function sums<C extends string>(table: string, columns: readonly C[]): Record<C, RawBuilder<number>> {
  const entries = columns.map((column) => [
    column,
    sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`,
  ]);
  return Object.fromEntries(entries) as Record<C, RawBuilder<number>>;
}

interface PostHourDelta {
  post_id: string;
  hour: Date;
  author_id: string;
  likes?: number;
  comments?: number;
  impressions?: number;
}

/** Adds to post hours; rows distinct by post and in ascending post id order (lock order). */
async function addPostHours(
  trx: Transaction<AnalyticsTables>,
  rows: readonly PostHourDelta[],
): Promise<void> {
  await trx
    .insertInto('analytics.post_hourly')
    .values(rows.map((row) => ({ likes: 0, comments: 0, impressions: 0, ...row })))
    .onConflict((oc) => oc.columns(['post_id', 'hour']).doUpdateSet(sums('post_hourly', POST_FIGURES)))
    .execute();
}

interface AuthorHourDelta {
  author_id: string;
  hour: Date;
  shard: number;
  followers_gained?: number;
  followers_lost?: number;
  likes?: number;
  comments?: number;
  impressions?: number;
}

/**
 * Adds to author hours; rows of one shard, distinct by author and in ascending author id order
 * (lock order).
 */
async function addAuthorHours(
  trx: Transaction<AnalyticsTables>,
  rows: readonly AuthorHourDelta[],
): Promise<void> {
  await trx
    .insertInto('analytics.author_hourly')
    .values(
      rows.map((row) => ({
        followers_gained: 0,
        followers_lost: 0,
        likes: 0,
        comments: 0,
        impressions: 0,
        ...row,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['author_id', 'hour', 'shard']).doUpdateSet(sums('author_hourly', AUTHOR_FIGURES)),
    )
    .execute();
}

async function countMinute(
  trx: Transaction<AnalyticsTables>,
  mark: MinuteMark,
  count: number,
): Promise<void> {
  await trx
    .insertInto('analytics.minute_stats')
    .values({ minute: mark.minute, shard: mark.shard, [mark.metric]: count })
    .onConflict((oc) => oc.columns(['minute', 'shard']).doUpdateSet(sums('minute_stats', [mark.metric])))
    .execute();
}
