/**
 * Argument checks and error messages shared by both cache adapters, so that a bad call fails the
 * same way in embedded mode as against Redis (and fails before any partial write: Redis does not
 * roll back a Lua script that errors half way).
 */

import type { RangeByScoreOptions, ScoredMember } from './cache.port.js';

/** Redis's own message; the in-memory adapter throws exactly this so callers can match on it. */
export const WRONGTYPE_MESSAGE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_AN_INTEGER_MESSAGE = 'ERR value is not an integer or out of range';
export const OVERFLOW_MESSAGE = 'ERR increment or decrement would overflow';

export function assertPositiveMs(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer number of milliseconds, got ${value}`);
  }
}

export function assertInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a safe integer, got ${value}`);
  }
}

export function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** Infinities are valid scores and bounds in Redis; NaN is not. */
export function assertScore(value: number, name: string): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new RangeError(`${name} must be a number, got ${String(value)}`);
  }
}

export function assertPositiveCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** Batched calls take keys from data (user ids, post ids); an empty one is a caller's bug. */
export function assertKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof key !== 'string' || key.length === 0) {
      throw new RangeError(`keys must be non-empty strings, got ${JSON.stringify(key)}`);
    }
  }
}

/** The empty member is the built marker of sorted sets (see the port), never a real member. */
export function assertMembers(members: readonly string[]): void {
  for (const member of members) {
    if (typeof member !== 'string' || member.length === 0) {
      throw new RangeError(`sorted-set members must be non-empty strings, got ${JSON.stringify(member)}`);
    }
  }
}

export function assertEntries(entries: readonly ScoredMember[]): void {
  for (const { member, score } of entries) {
    assertMembers([member]);
    assertScore(score, 'score');
  }
}

/** Checks a range read's options; returns its bounds with the defaults filled in. */
export function rangeBounds(options: RangeByScoreOptions): { max: number; min: number } {
  const { max = Infinity, min = -Infinity, limit } = options;
  assertScore(max, 'max');
  assertScore(min, 'min');
  if (limit !== undefined) assertCount(limit, 'limit');
  return { max, min };
}
