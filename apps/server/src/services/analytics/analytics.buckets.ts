/**
 * Time buckets and shards of the roll-ups. Every bucket is UTC: an hour or a minute is the same
 * instant wherever the process or the database runs.
 */

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Rows per minute in analytics.minute_stats (see shardOf). */
export const MINUTE_SHARDS = 16;
/** Rows per author and hour in analytics.author_hourly (see shardOf). */
export const AUTHOR_SHARDS = 8;

/** The start of the UTC hour `at` falls in. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The start of the UTC minute `at` falls in. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** `at` moved by whole minutes (negative: earlier). */
export function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * MINUTE_MS);
}

/** The UTC day `at` falls in, as YYYY-MM-DD. */
export function dateOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The last `days` UTC days up to and including today's: [from, to) and each date, oldest first. */
export interface DayPeriod {
  from: Date;
  to: Date;
  dates: string[];
}

export function lastDays(now: Date, days: number): DayPeriod {
  const tomorrow = (Math.floor(now.getTime() / DAY_MS) + 1) * DAY_MS;
  const from = tomorrow - days * DAY_MS;
  const dates = Array.from({ length: days }, (_, index) => dateOf(new Date(from + index * DAY_MS)));
  return { from: new Date(from), to: new Date(tomorrow), dates };
}

/**
 * The row of a sharded roll-up an event adds to: a hash of its id into 0..shards-1, so that the
 * consumers counting one busy minute, or one popular author's hour, update different rows
 * instead of queueing on one lock. FNV-1a over the decimal id, not its low bits: those are the
 * snowflake's per-millisecond sequence, almost always 0 at modest rates.
 */
export function shardOf(eventId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < eventId.length; index++) {
    hash ^= eventId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
