import type { z } from 'zod';

import { DomainError } from '../errors.js';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

export type CursorValue = Record<string, string | number>;

/** An opaque page cursor: base64url JSON, so clients cannot rely on its shape. */
export function encodeCursor(value: CursorValue): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` and checks it against `schema`. Anything else is the
 * client's mistake (a tampered or foreign cursor), so it is a 400, never a 500.
 */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    // base64url decoding in Node ignores invalid characters instead of failing, so check the alphabet.
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw DomainError.malformed('Invalid cursor');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw DomainError.malformed('Invalid cursor');
  return result.data;
}

/**
 * The page size to use. The gateway rejects out-of-range limits already; requests arriving over
 * gRPC with a zero (proto3's "unset") get the default, anything else is clamped into range.
 */
export function clampLimit(limit?: number): number {
  if (limit === undefined || !Number.isFinite(limit) || limit === 0) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)));
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/**
 * Turns `limit + 1` rows fetched by a keyset query into a page: the extra row only tells that
 * another page exists, and the cursor points after the last row served.
 */
export function toPage<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => CursorValue): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  if (rows.length <= limit || last === undefined) return { items };
  return { items, nextCursor: encodeCursor(cursorOf(last)) };
}
