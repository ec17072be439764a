/**
 * 64-bit time-sortable IDs (Twitter snowflake / Instagram style), carried as decimal strings because
 * JavaScript numbers lose precision above 2^53:
 *
 *   0 | 41 bits: ms since ID_EPOCH | 10 bits: worker id | 12 bits: sequence within the ms
 *
 * The sign bit stays 0, so ids fit PostgreSQL `bigint` and sort numerically in creation order. 41 bits of
 * milliseconds last until 2095.
 */

export const ID_EPOCH_MS = Date.UTC(2026, 0, 1);
export const WORKER_ID_BITS = 10;
export const SEQUENCE_BITS = 12;
export const MAX_WORKER_ID = (1 << WORKER_ID_BITS) - 1;
export const MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;
const TIMESTAMP_BITS = 41;
const MAX_TIMESTAMP = 2 ** TIMESTAMP_BITS - 1;
const TIMESTAMP_SHIFT = BigInt(WORKER_ID_BITS + SEQUENCE_BITS);
const MAX_ID = (1n << 63n) - 1n;

export interface IdParts {
  /** Milliseconds since the Unix epoch. */
  timestampMs: number;
  workerId: number;
  sequence: number;
}

export class IdGenerator {
  private readonly workerId: number;
  private readonly clock: () => number;
  private lastTimestamp = -1;
  private sequence = 0;

  /** @param clock milliseconds since the Unix epoch; injectable for tests. */
  constructor(workerId: number, clock: () => number = Date.now) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new RangeError(`workerId must be an integer between 0 and ${MAX_WORKER_ID}, got ${workerId}`);
    }
    this.workerId = workerId;
    this.clock = clock;
  }

  next(): string {
    return this.nextBigInt().toString();
  }

  nextBigInt(): bigint {
    let timestamp = this.elapsed();
    if (timestamp < this.lastTimestamp) {
      // The clock stepped backwards (NTP, VM migration): keep issuing from the last timestamp rather than
      // go back in time and risk duplicates or out-of-order ids.
      timestamp = this.lastTimestamp;
    }

    if (timestamp === this.lastTimestamp) {
      this.sequence += 1;
      if (this.sequence > MAX_SEQUENCE) {
        timestamp = this.waitForNextMillisecond();
        this.sequence = 0;
      }
    } else {
      this.sequence = 0;
    }
    this.lastTimestamp = timestamp;

    return (BigInt(timestamp) << TIMESTAMP_SHIFT) | BigInt((this.workerId << SEQUENCE_BITS) | this.sequence);
  }

  /**
   * 4096 ids in one millisecond are used up. Normally the clock is at most a millisecond away, so a short
   * spin is cheapest. If the clock is behind because it stepped backwards, spinning could block the event
   * loop for as long as the step; instead borrow the next millisecond, which the clock will reach anyway.
   */
  private waitForNextMillisecond(): number {
    const target = this.lastTimestamp + 1;
    let now = this.elapsed();
    if (now < this.lastTimestamp) return target;
    while (now < target) now = this.elapsed();
    return now;
  }

  private elapsed(): number {
    const now = Math.floor(this.clock());
    const elapsed = now - ID_EPOCH_MS;
    if (!(elapsed >= 0 && elapsed <= MAX_TIMESTAMP)) {
      throw new RangeError(`clock value ${now} is outside the id range`);
    }
    return elapsed;
  }
}

function parseId(id: string): bigint {
  if (!/^\d{1,19}$/.test(id)) throw new RangeError(`not an id: ${JSON.stringify(id)}`);
  const value = BigInt(id);
  if (value > MAX_ID) throw new RangeError(`not an id: ${JSON.stringify(id)}`);
  return value;
}

/**
 * True for an id in the form the API carries: a positive decimal without leading zeros that fits
 * PostgreSQL's `bigint`. Anything else can name no row, and must not reach a query, where an
 * out-of-range value is a database error rather than "not found".
 */
export function isId(value: string): boolean {
  return /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= MAX_ID;
}

/** Splits an id into its fields. @throws RangeError when `id` is not a decimal 63-bit integer. */
export function decomposeId(id: string): IdParts {
  const value = parseId(id);
  return {
    timestampMs: Number(value >> TIMESTAMP_SHIFT) + ID_EPOCH_MS,
    workerId: Number((value >> BigInt(SEQUENCE_BITS)) & BigInt(MAX_WORKER_ID)),
    sequence: Number(value & BigInt(MAX_SEQUENCE)),
  };
}

/** When the id was generated (millisecond precision). */
export function idTimestamp(id: string): Date {
  return new Date(decomposeId(id).timestampMs);
}

/**
 * The smallest id of the millisecond `date` falls in, for time-based cursors: every id generated at or
 * after `date` is >= idAtTime(date), every id generated before it is smaller.
 */
export function idAtTime(date: Date): string {
  const elapsed = Math.floor(date.getTime()) - ID_EPOCH_MS;
  if (!Number.isFinite(elapsed) || elapsed < 0 || elapsed > MAX_TIMESTAMP) {
    throw new RangeError(`date ${String(date)} is outside the id range`);
  }
  return (BigInt(elapsed) << TIMESTAMP_SHIFT).toString();
}

/** Compares two ids numerically (decimal strings of different lengths do not sort as strings). */
export function compareIds(a: string, b: string): number {
  const x = parseId(a);
  const y = parseId(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
