import { describe, expect, it } from 'vitest';
import {
  compareIds,
  decomposeId,
  ID_EPOCH_MS,
  IdGenerator,
  idAtTime,
  idTimestamp,
  isId,
  MAX_SEQUENCE,
} from './snowflake.js';
import { resolveWorkerId } from './worker-id.js';

const T0 = Date.parse('2026-03-15T12:00:00.000Z');

/** A clock that returns the given readings in order, then repeats the last one; counts its calls. */
function scriptedClock(readings: number[]): { clock: () => number; calls: () => number } {
  let calls = 0;
  return {
    clock: () => {
      const reading = readings[Math.min(calls, readings.length - 1)];
      calls += 1;
      if (reading === undefined) throw new Error('empty script');
      return reading;
    },
    calls: () => calls,
  };
}

describe('IdGenerator', () => {
  it('is strictly increasing over 100k ids on the real clock', () => {
    const generator = new IdGenerator(7);
    let previous = generator.nextBigInt();
    let outOfOrder = 0;
    for (let i = 0; i < 100_000; i++) {
      const id = generator.nextBigInt();
      if (id <= previous) outOfOrder += 1;
      previous = id;
    }
    expect(outOfOrder).toBe(0);
  });

  it('never repeats across two workers sharing a clock', () => {
    const now = () => T0;
    const a = new IdGenerator(1, now);
    const b = new IdGenerator(2, now);
    const ids = new Set<string>();
    for (let i = 0; i <= MAX_SEQUENCE; i++) {
      ids.add(a.next());
      ids.add(b.next());
    }
    expect(ids.size).toBe(2 * (MAX_SEQUENCE + 1));
  });

  it('lays out timestamp, worker and sequence as documented', () => {
    const generator = new IdGenerator(1023, () => T0);
    const first = generator.next();
    const second = generator.next();
    expect(decomposeId(first)).toEqual({ timestampMs: T0, workerId: 1023, sequence: 0 });
    expect(decomposeId(second)).toEqual({ timestampMs: T0, workerId: 1023, sequence: 1 });
    expect(BigInt(first)).toBe((BigInt(T0 - ID_EPOCH_MS) << 22n) | (1023n << 12n));
    expect(idTimestamp(first).toISOString()).toBe('2026-03-15T12:00:00.000Z');
  });

  it('keeps the last timestamp when the clock steps backwards', () => {
    const { clock } = scriptedClock([T0 + 10, T0 + 10, T0 + 3, T0 + 5, T0 + 11]);
    const generator = new IdGenerator(3, clock);
    const ids = Array.from({ length: 5 }, () => generator.next());
    expect(ids.map((id) => decomposeId(id))).toEqual([
      { timestampMs: T0 + 10, workerId: 3, sequence: 0 },
      { timestampMs: T0 + 10, workerId: 3, sequence: 1 },
      { timestampMs: T0 + 10, workerId: 3, sequence: 2 },
      { timestampMs: T0 + 10, workerId: 3, sequence: 3 },
      { timestampMs: T0 + 11, workerId: 3, sequence: 0 },
    ]);
    expect([...ids].sort(compareIds)).toEqual(ids);
  });

  it('waits for the next millisecond when the sequence overflows', () => {
    // 4096 ids fit in T0; the clock then stays at T0 for three more readings before reaching T0 + 1.
    const readings = Array.from({ length: MAX_SEQUENCE + 1 }, () => T0);
    const { clock, calls } = scriptedClock([...readings, T0, T0, T0, T0 + 1]);
    const generator = new IdGenerator(5, clock);
    const ids = Array.from({ length: MAX_SEQUENCE + 2 }, () => generator.next());

    expect(decomposeId(ids[MAX_SEQUENCE] ?? '')).toEqual({
      timestampMs: T0,
      workerId: 5,
      sequence: MAX_SEQUENCE,
    });
    expect(decomposeId(ids.at(-1) ?? '')).toEqual({ timestampMs: T0 + 1, workerId: 5, sequence: 0 });
    expect(calls()).toBe(MAX_SEQUENCE + 1 + 4);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort(compareIds)).toEqual(ids);
  });

  it('stays increasing when the sequence overflows while the clock is behind', () => {
    const { clock } = scriptedClock([T0 + 100, T0]);
    const generator = new IdGenerator(9, clock);
    const ids = Array.from({ length: 3 * (MAX_SEQUENCE + 1) }, () => generator.next());
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(decomposeId(ids.at(-1) ?? '').timestampMs).toBe(T0 + 102);
  });

  it('rejects worker ids outside 0..1023 and clocks before the epoch', () => {
    expect(() => new IdGenerator(1024)).toThrow(RangeError);
    expect(() => new IdGenerator(-1)).toThrow(RangeError);
    expect(() => new IdGenerator(1.5)).toThrow(RangeError);
    expect(() => new IdGenerator(0, () => ID_EPOCH_MS - 1).next()).toThrow(RangeError);
  });
});

describe('idAtTime', () => {
  it('is the smallest id of its millisecond', () => {
    const at = new Date(T0);
    const generator = new IdGenerator(0, () => T0);
    const before = new IdGenerator(1023, () => T0 - 1);
    for (let i = 0; i < 10; i++) before.next();

    expect(decomposeId(idAtTime(at))).toEqual({ timestampMs: T0, workerId: 0, sequence: 0 });
    expect(compareIds(idAtTime(at), generator.next())).toBe(0);
    expect(compareIds(before.next(), idAtTime(at))).toBe(-1);
    expect(idTimestamp(idAtTime(at))).toEqual(at);
    expect(idAtTime(new Date(ID_EPOCH_MS))).toBe('0');
  });

  it('rejects dates outside the id range and malformed ids', () => {
    expect(() => idAtTime(new Date(ID_EPOCH_MS - 1))).toThrow(RangeError);
    expect(() => idAtTime(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => idTimestamp('12abc')).toThrow(RangeError);
    expect(() => idTimestamp('9223372036854775808')).toThrow(RangeError);
  });
});

describe('isId', () => {
  it('accepts positive 64-bit decimals in canonical form only', () => {
    for (const id of ['1', '1234567890123456789', '9223372036854775807']) expect(isId(id)).toBe(true);
    for (const id of [
      '',
      '0',
      '007',
      '-1',
      '1.5',
      ' 1',
      '9223372036854775808',
      '9999999999999999999',
      '1e3',
    ]) {
      expect(isId(id)).toBe(false);
    }
  });
});

describe('compareIds', () => {
  it('compares numerically, not as strings', () => {
    expect(compareIds('9', '10')).toBe(-1);
    expect(compareIds('10', '9')).toBe(1);
    expect(compareIds('42', '42')).toBe(0);
  });
});

describe('resolveWorkerId', () => {
  it('prefers the configured id and otherwise draws one in range', () => {
    expect(resolveWorkerId(17)).toBe(17);
    expect(resolveWorkerId(undefined, () => 1023)).toBe(1023);
    const drawn = resolveWorkerId(undefined);
    expect(drawn).toBeGreaterThanOrEqual(0);
    expect(drawn).toBeLessThanOrEqual(1023);
    expect(() => resolveWorkerId(undefined, () => 1024)).toThrow(RangeError);
  });
});
