import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { DomainError } from '../errors.js';
import { clampLimit, decodeCursor, encodeCursor, toPage } from './cursor.js';

const idCursor = z.object({ id: z.string().regex(/^\d+$/) });

function expectMalformed(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'malformed', message: 'Invalid cursor' });
    return;
  }
  expect.unreachable('expected a malformed cursor error');
}

describe('cursor', () => {
  it('round-trips a value through an opaque url-safe string', () => {
    const cursor = encodeCursor({ id: '1234567890123456789', n: 3 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('1234567890123456789');
    expect(decodeCursor(cursor, z.object({ id: z.string(), n: z.number() }))).toEqual({
      id: '1234567890123456789',
      n: 3,
    });
  });

  it('rejects cursors that are not base64url JSON as malformed', () => {
    expectMalformed(() => decodeCursor('', idCursor));
    expectMalformed(() => decodeCursor('not a cursor!', idCursor));
    expectMalformed(() => decodeCursor(Buffer.from('{oops').toString('base64url'), idCursor));
  });

  it('rejects cursors whose content does not match the schema as malformed', () => {
    expectMalformed(() => decodeCursor(encodeCursor({ id: 'abc' }), idCursor));
    expectMalformed(() => decodeCursor(encodeCursor({ other: '1' }), idCursor));
  });

  it('clamps the page size into 1..100 with 20 as the default', () => {
    expect(clampLimit()).toBe(20);
    expect(clampLimit(0)).toBe(20);
    expect(clampLimit(Number.NaN)).toBe(20);
    expect(clampLimit(1)).toBe(1);
    expect(clampLimit(-5)).toBe(1);
    expect(clampLimit(37.9)).toBe(37);
    expect(clampLimit(100)).toBe(100);
    expect(clampLimit(1000)).toBe(100);
  });

  it('builds a page from limit + 1 rows with a cursor after the last served row', () => {
    const rows = [{ id: '5' }, { id: '4' }, { id: '3' }];
    const page = toPage(rows, 2, (last) => ({ id: last.id }));
    expect(page.items).toEqual([{ id: '5' }, { id: '4' }]);
    expect(decodeCursor(page.nextCursor ?? '', idCursor)).toEqual({ id: '4' });
    expect(toPage(rows, 3, (last) => ({ id: last.id }))).toEqual({ items: rows });
    expect(toPage([], 3, () => ({}))).toEqual({ items: [] });
  });
});
