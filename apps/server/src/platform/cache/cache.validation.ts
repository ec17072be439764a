/**
 * Argument checks and error messages shared by both cache adapters, so that a bad call fails the
 * same way in embedded mode as against Redis (and fails before any partial write: Redis does not
 * roll back a Lua script that errors half way).
 */

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
