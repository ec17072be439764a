import type {
  AnalyticsService,
  CreatorAnalytics,
  DailyFigures,
  GetCreatorAnalyticsRequest,
  GetPostAnalyticsRequest,
  GetSystemStatsRequest,
  ImpressionsAccepted,
  PostAnalytics,
  RecordImpressionsRequest,
  SystemStats,
  Totals,
} from '../../generated/glimpse/analytics/v1/analytics.js';
import type { PostService } from '../../generated/glimpse/post/v1/post.js';
import { asError, DomainError, type FieldError } from '../../platform/errors.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import { isId } from '../../platform/ids/snowflake.js';
import { deleteInBatches } from '../../platform/sql/batched-delete.js';
import { addMinutes, lastDays, minuteOf, type DayPeriod } from './analytics.buckets.js';
import { IMPRESSIONS_RECORDED, type ImpressionsRecordedPayload } from './analytics.events.js';
import type { AnalyticsRepository, DailyFiguresRow, Figures } from './analytics.repository.js';
import {
  IMPRESSION_DEDUP_RETENTION_MS,
  MAX_IMPRESSION_POSTS,
  MINUTE_STATS_RETENTION_MS,
  periodDays,
  PROCESSED_EVENT_RETENTION_MS,
  STATS_WINDOW_MINUTES,
  TOP_POSTS,
} from './analytics.rules.js';

export interface ConsumerGroupLag {
  group: string;
  /** Events published but not consumed yet by the group. */
  lag: number;
}

export interface AnalyticsServiceDeps {
  analytics: AnalyticsRepository;
  /** The post service (in process or over gRPC): who may read a post's analytics. */
  posts: Pick<PostService, 'getPost'>;
  /** Source of 64-bit time-sortable ids (events). */
  ids: { next(): string };
  now?: () => Date;
  /** The W3C trace context to stamp on events, when tracing is on. */
  traceparent?: () => string | undefined;
  /** Seconds between a post's publication and its fanout, as last measured; undefined before any. */
  fanoutLag?: () => Promise<number | undefined>;
  /** Events not consumed yet, per consumer group. */
  consumerLag?: () => Promise<ConsumerGroupLag[]>;
  /** Told when a lag provider failed (its figure is left out of the answer); nothing by default. */
  onLagError?: (err: Error) => void;
}

/** Rows deleted by a prune, per table. */
export interface PruneCounts {
  processedEvents: number;
  impressionDedup: number;
  minuteStats: number;
}

const ZERO: Figures = { followersGained: 0, followersLost: 0, likes: 0, comments: 0, impressions: 0 };

/**
 * Creator analytics and operator figures. Transport-agnostic: the gateway and gRPC call it alike.
 *
 * RecordImpressions only appends one outbox event: nothing is looked up or counted on the
 * viewer's request, and a Kafka outage delays the counting without failing it. The
 * AnalyticsConsumer does the counting; `prune`, run periodically, forgets what it no longer
 * needs. Every answer is an aggregate: no viewer or engager is ever named.
 */
export class AnalyticsServiceImpl implements AnalyticsService {
  private readonly analytics: AnalyticsRepository;
  private readonly posts: Pick<PostService, 'getPost'>;
  private readonly now: () => Date;
  private readonly events: EventFactory;
  private readonly fanoutLag: () => Promise<number | undefined>;
  private readonly consumerLag: () => Promise<ConsumerGroupLag[]>;
  private readonly onLagError: (err: Error) => void;

  constructor(deps: AnalyticsServiceDeps) {
    this.analytics = deps.analytics;
    this.posts = deps.posts;
    this.now = deps.now ?? (() => new Date());
    this.events = new EventFactory(deps.ids, deps.traceparent);
    this.fanoutLag = deps.fanoutLag ?? (() => Promise.resolve(undefined));
    this.consumerLag = deps.consumerLag ?? (() => Promise.resolve([]));
    this.onLagError = deps.onLagError ?? (() => undefined);
  }

  async recordImpressions(request: RecordImpressionsRequest): Promise<ImpressionsAccepted> {
    const { viewerId } = request;
    const errors: FieldError[] = [];
    if (!isId(viewerId)) errors.push({ path: 'viewerId', message: 'must be a user id' });
    if (request.postIds.length > MAX_IMPRESSION_POSTS) {
      errors.push({ path: 'postIds', message: `must hold at most ${MAX_IMPRESSION_POSTS} posts` });
    } else {
      for (const [index, postId] of request.postIds.entries()) {
        if (!isId(postId)) errors.push({ path: `postIds.${index}`, message: 'must be a post id' });
      }
    }
    if (errors.length > 0) throw DomainError.invalid('Invalid impressions', errors);

    const postIds = [...new Set(request.postIds)];
    if (postIds.length === 0) return { accepted: 0 };
    const viewedAt = this.now();
    await this.analytics.appendImpressions(
      this.events.create<ImpressionsRecordedPayload>(
        IMPRESSIONS_RECORDED,
        viewerId,
        { viewerId, postIds, viewedAt: viewedAt.toISOString() },
        viewedAt,
      ),
    );
    return { accepted: postIds.length };
  }

  /** Totals are those of the period; a day's figures are net (an unlike takes a like off its day). */
  async getCreatorAnalytics(request: GetCreatorAnalyticsRequest): Promise<CreatorAnalytics> {
    const period = lastDays(this.now(), periodDays(request.days));
    if (!isId(request.userId)) {
      throw DomainError.invalid('Invalid query', [{ path: 'userId', message: 'must be a user id' }]);
    }
    const [daily, top] = await Promise.all([
      this.analytics.authorDaily(request.userId, period.from, period.to),
      this.analytics.topPosts(request.userId, period.from, period.to, TOP_POSTS),
    ]);
    const days = zeroFilled(period, daily);
    return {
      days: days.map(dailyFigures),
      totals: totals(days),
      topPosts: top.map((post) => ({
        postId: post.postId,
        likes: String(post.likes),
        comments: String(post.comments),
        impressions: String(post.impressions),
      })),
    };
  }

  /**
   * NOT_FOUND as the post service answers it to the requester (unknown, deleted, or someone
   * else's pending post), PERMISSION_DENIED for anyone but the author.
   */
  async getPostAnalytics(request: GetPostAnalyticsRequest): Promise<PostAnalytics> {
    const period = lastDays(this.now(), periodDays(request.days));
    const post = await this.posts.getPost({ postId: request.postId, viewerId: request.requesterId });
    if (post.authorId !== request.requesterId) {
      throw DomainError.forbidden("Only a post's author may see its analytics");
    }
    const [all, daily] = await Promise.all([
      this.analytics.postTotals(post.id),
      this.analytics.postDaily(post.id, period.from, period.to),
    ]);
    return {
      postId: post.id,
      totals: totals([{ ...ZERO, ...all }]),
      days: zeroFilled(period, daily).map(dailyFigures),
    };
  }

  /**
   * Every `*PerMinute` is the mean over the last STATS_WINDOW_MINUTES complete minutes (the
   * current minute is still filling): steady enough to read, recent enough to show a change.
   * Events are filed under the minute they happened, so a backlog being consumed raises past
   * minutes, not the current rate. A lag figure whose provider fails is left out (logged
   * through onLagError): the rest of the answer still stands.
   */
  async getSystemStats(_request: GetSystemStatsRequest = {}): Promise<SystemStats> {
    const measuredAt = this.now();
    const to = minuteOf(measuredAt);
    const [events, fanoutLag, consumerLag] = await Promise.all([
      this.analytics.minuteTotals(addMinutes(to, -STATS_WINDOW_MINUTES), to),
      this.settled(this.fanoutLag),
      this.settled(this.consumerLag),
    ]);
    return {
      likesPerMinute: events.likes / STATS_WINDOW_MINUTES,
      commentsPerMinute: events.comments / STATS_WINDOW_MINUTES,
      postsPerMinute: events.posts / STATS_WINDOW_MINUTES,
      followsPerMinute: events.follows / STATS_WINDOW_MINUTES,
      impressionsPerMinute: events.impressions / STATS_WINDOW_MINUTES,
      ...(fanoutLag !== undefined && Number.isFinite(fanoutLag) && { fanoutLagSeconds: fanoutLag }),
      consumerLag: (consumerLag ?? [])
        .filter((entry) => Number.isFinite(entry.lag))
        .map((entry) => ({ group: entry.group, lag: String(Math.max(0, Math.round(entry.lag))) })),
      measuredAt: measuredAt.toISOString(),
    };
  }

  /**
   * Forgets what can no longer matter: applied event ids past any redelivery, impression dedup
   * rows written longer ago than any backlog lasts, per-minute figures past the operators'
   * window. In batches of DELETE_BATCH rows per statement, so that it never holds many locks at
   * once; run it every few minutes.
   */
  async prune(): Promise<PruneCounts> {
    const now = this.now().getTime();
    const before = (retentionMs: number): Date => new Date(now - retentionMs);
    return {
      processedEvents: await deleteInBatches((limit) =>
        this.analytics.pruneProcessedEvents(before(PROCESSED_EVENT_RETENTION_MS), limit),
      ),
      impressionDedup: await deleteInBatches((limit) =>
        this.analytics.pruneImpressionDedup(before(IMPRESSION_DEDUP_RETENTION_MS), limit),
      ),
      minuteStats: await deleteInBatches((limit) =>
        this.analytics.pruneMinuteStats(before(MINUTE_STATS_RETENTION_MS), limit),
      ),
    };
  }

  /** The provider's answer, or undefined (reported) when it fails. */
  private async settled<T>(provider: () => Promise<T>): Promise<T | undefined> {
    try {
      return await provider();
    } catch (err) {
      this.onLagError(asError(err));
      return undefined;
    }
  }
}

/** One row per date of the period, oldest first; dates without activity are zeros. */
function zeroFilled(period: DayPeriod, rows: readonly DailyFiguresRow[]): DailyFiguresRow[] {
  const byDate = new Map(rows.map((row) => [row.date, row]));
  return period.dates.map((date) => byDate.get(date) ?? { date, ...ZERO });
}

function dailyFigures(row: DailyFiguresRow): DailyFigures {
  return { date: row.date, ...figureStrings(row) };
}

function totals(rows: readonly Figures[]): Totals {
  const sum = { ...ZERO };
  for (const row of rows) {
    sum.followersGained += row.followersGained;
    sum.followersLost += row.followersLost;
    sum.likes += row.likes;
    sum.comments += row.comments;
    sum.impressions += row.impressions;
  }
  return figureStrings(sum);
}

/** int64 fields travel as decimal strings. */
function figureStrings(figures: Figures): Totals {
  return {
    followersGained: String(figures.followersGained),
    followersLost: String(figures.followersLost),
    likes: String(figures.likes),
    comments: String(figures.comments),
    impressions: String(figures.impressions),
  };
}
