import { sql, type Kysely } from 'kysely';

/** Below this many rows (by the planner's estimate) a COUNT(*) is cheap enough to run. */
export const EXACT_COUNT_LIMIT = 100_000;

export interface RowCount {
  count: number;
  /** False when `count` is the planner's estimate. */
  exact: boolean;
}

/**
 * A table's size for status pages: exact while the table is small, the planner's estimate
 * (`pg_class.reltuples`, kept by ANALYZE and autovacuum) once it is large, because COUNT(*)
 * reads every row and a billion-row table is no place for a dashboard to do that. A table
 * never analysed reports -1 and is counted exactly.
 */
export async function rowCount<DB>(
  db: Kysely<DB>,
  qualifiedTable: string,
  exactCount: () => Promise<number>,
): Promise<RowCount> {
  const { rows } = await sql<{ estimate: number }>`
    select reltuples::float8 as estimate from pg_class where oid = to_regclass(${qualifiedTable})
  `.execute(db);
  const estimate = rows[0]?.estimate ?? -1;
  if (estimate >= EXACT_COUNT_LIMIT) return { count: Math.round(estimate), exact: false };
  return { count: await exactCount(), exact: true };
}
