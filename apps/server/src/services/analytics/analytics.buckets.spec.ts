import { describe, expect, it } from 'vitest';

import { IdGenerator } from '../../platform/ids/snowflake.js';
import {
  addMinutes,
  AUTHOR_SHARDS,
  dateOf,
  hourOf,
  lastDays,
  MINUTE_SHARDS,
  minuteOf,
  shardOf,
} from './analytics.buckets.js';

const at = (iso: string): Date => new Date(iso);

describe('analytics buckets', () => {
  it('truncates to the UTC hour and minute', () => {
    expect(hourOf(at('2027-03-04T05:59:59.999Z'))).toEqual(at('2027-03-04T05:00:00.000Z'));
    expect(hourOf(at('2027-03-04T06:00:00.000Z'))).toEqual(at('2027-03-04T06:00:00.000Z'));
    expect(minuteOf(at('2027-03-04T05:59:59.999Z'))).toEqual(at('2027-03-04T05:59:00.000Z'));
    expect(addMinutes(at('2027-03-04T00:05:00.000Z'), -15)).toEqual(at('2027-03-03T23:50:00.000Z'));
  });

  it('names UTC days', () => {
    expect(dateOf(at('2027-03-04T23:59:59.999Z'))).toBe('2027-03-04');
    expect(dateOf(at('2027-03-05T00:00:00.000Z'))).toBe('2027-03-05');
  });

  it('spans the last days up to today, oldest first, across month and leap-day boundaries', () => {
    expect(lastDays(at('2028-03-01T13:30:00.000Z'), 3)).toEqual({
      from: at('2028-02-28T00:00:00.000Z'),
      to: at('2028-03-02T00:00:00.000Z'),
      dates: ['2028-02-28', '2028-02-29', '2028-03-01'],
    });
    expect(lastDays(at('2028-03-01T00:00:00.000Z'), 1)).toEqual({
      from: at('2028-03-01T00:00:00.000Z'),
      to: at('2028-03-02T00:00:00.000Z'),
      dates: ['2028-03-01'],
    });
    const year = lastDays(at('2027-12-31T23:59:59.999Z'), 365);
    expect(year.dates).toHaveLength(365);
    expect([year.dates[0], year.dates.at(-1)]).toEqual(['2027-01-01', '2027-12-31']);
  });

  it.each([
    ['minute', MINUTE_SHARDS],
    ['author', AUTHOR_SHARDS],
  ])('spreads event ids over every %s shard, the same id always on the same shard', (_, count) => {
    const ids = new IdGenerator(1, () => Date.UTC(2027, 0, 1));
    const shards = Array.from({ length: 1000 }, () => shardOf(ids.next(), count));
    expect(shards.every((shard) => Number.isInteger(shard) && shard >= 0 && shard < count)).toBe(true);
    expect(new Set(shards).size).toBe(count);
    // No shard takes more than twice its share.
    const largest = Math.max(...[...Array(count).keys()].map((s) => shards.filter((x) => x === s).length));
    expect(largest).toBeLessThan((2 * 1000) / count);
    expect(shardOf('123456789', count)).toBe(shardOf('123456789', count));
  });
});
