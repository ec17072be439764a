import { DomainError } from '../../platform/errors.js';

/** RecordImpressions accepts at most this many posts per call: about a screenful of scrolling. */
export const MAX_IMPRESSION_POSTS = 100;

/** The period of the analytics reads when the request names none (days = 0). */
export const DEFAULT_DAYS = 30;
/** The longest period of the analytics reads. */
export const MAX_DAYS = 365;

/** GetCreatorAnalytics ranks at most this many posts. */
export const TOP_POSTS = 10;

/** GetSystemStats averages the rates over this many complete minutes. */
export const STATS_WINDOW_MINUTES = 15;

/**
 * How long an applied event's id is remembered: redeliveries come within minutes (a consumer
 * restarted before committing its offsets), a week is far beyond that.
 */
export const PROCESSED_EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How long an impression dedup row is kept after it was written (counted_at, not the hour it
 * keys). The row must outlive every later batch of its viewer and hour: those were recorded in
 * that same hour and reach the consumer in order (keyed by the viewer), so they come at most an
 * hour plus the longest stall of the pipeline after it (a Kafka outage holding back the outbox,
 * a stopped consumer group) — however late the backlog is replayed, since the clock starts when
 * the row is written. Assumes no stall lasts 48 hours; past that, an impression could count twice.
 */
export const IMPRESSION_DEDUP_RETENTION_MS = 48 * 60 * 60 * 1000;

/** How long per-minute system figures are kept: they serve the operators' recent rates only. */
export const MINUTE_STATS_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** The period of a read in days: `days` when 1..MAX_DAYS, DEFAULT_DAYS for 0; invalid otherwise. */
export function periodDays(days: number): number {
  if (days === 0) return DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw DomainError.invalid('Invalid period', [
      { path: 'days', message: `must be between 1 and ${MAX_DAYS} (0 for ${DEFAULT_DAYS})` },
    ]);
  }
  return days;
}
