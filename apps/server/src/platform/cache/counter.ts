/**
 * What the like and comment counters share: counters in the cache derived from PostgreSQL rows,
 * moved by one per committed change, rebuilt from COUNT(*) when missing, reconciled now and then.
 */

/** What became of a counter after a change committed. */
export type CounterBump =
  | { outcome: 'counted'; value: number }
  /** No counter: the next read rebuilds it from PostgreSQL, which counts this change. */
  | { outcome: 'missing' }
  /** The cache failed: PostgreSQL is the only count to trust for now. */
  | { outcome: 'failed' };

export interface CounterCheck {
  /** Counters compared with PostgreSQL. */
  checked: number;
  /** Counters that differed (and were repaired). */
  drifted: number;
  /** Sum of |counter - COUNT(*)| over the drifted counters. */
  drift: number;
}

const INTEGER = /^-?[0-9]+$/;

/** A counter's stored value, sign kept; undefined when it is not a safe integer. */
export function parseCounter(value: string): number | undefined {
  if (!INTEGER.test(value)) return undefined;
  const count = Number(value);
  return Number.isSafeInteger(count) ? count : undefined;
}
