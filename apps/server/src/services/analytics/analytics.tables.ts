import type { ColumnType } from 'kysely';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;
/** A roll-up figure: defaults to 0 on insert. */
type Figure = ColumnType<string, number | undefined, number>;
type Instant = ColumnType<Date, Date, Date>;

export interface ProcessedEventRow {
  event_id: Int8;
  processed_at: Instant;
}

export interface AnalyticsPostRow {
  post_id: Int8;
  author_id: Int8;
  published_at: ColumnType<Date | null, Date | null, Date | null>;
  deleted_at: ColumnType<Date | null, Date | null, Date | null>;
}

export interface AuthorHourlyRow {
  author_id: Int8;
  hour: Instant;
  shard: number;
  followers_gained: Figure;
  followers_lost: Figure;
  likes: Figure;
  comments: Figure;
  impressions: Figure;
}

export interface PostHourlyRow {
  post_id: Int8;
  hour: Instant;
  author_id: Int8;
  likes: Figure;
  comments: Figure;
  impressions: Figure;
}

export interface ImpressionDedupRow {
  viewer_id: Int8;
  post_id: Int8;
  hour: Instant;
  counted_at: Instant;
}

export interface MinuteStatsRow {
  minute: Instant;
  shard: number;
  likes: Figure;
  comments: Figure;
  posts: Figure;
  follows: Figure;
  impressions: Figure;
}

/** The `analytics` schema, owned by the analytics service alone. */
export interface AnalyticsTables {
  'analytics.processed_events': ProcessedEventRow;
  'analytics.posts': AnalyticsPostRow;
  'analytics.author_hourly': AuthorHourlyRow;
  'analytics.post_hourly': PostHourlyRow;
  'analytics.impression_dedup': ImpressionDedupRow;
  'analytics.minute_stats': MinuteStatsRow;
}
