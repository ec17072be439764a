import { sql, type Kysely, type RawBuilder } from 'kysely';

import { notifySafely, PeriodicTask } from '../lifecycle/periodic-task.js';
import type { SqlDatabase } from './sql.port.js';

export interface EnsureMonthlyPartitionsOptions {
  /** Months to create past the current one (default 2): inserts never wait for maintenance. */
  monthsAhead?: number;
  /** The moment whose UTC month is "current" (default: now). */
  now?: Date;
}

const DEFAULT_MONTHS_AHEAD = 2;
const MAX_MONTHS_AHEAD = 120;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL truncates longer names, which would make two months' partitions collide. */
const MAX_IDENTIFIER_BYTES = 63;
const PARTITION_SUFFIX_LENGTH = '_pYYYYMM'.length;
/**
 * First key of the two-key advisory lock; the second is the table's hash. Two-key locks live in
 * another key space than the migrator's one-key lock, so neither can block the other.
 */
const LOCK_NAMESPACE = 0x676c_7074; // 'glpt'
const PARTITION_KEY = /^RANGE \(([a-z_][a-z0-9_]*)\)$/;

interface Month {
  /** `YYYYMM` */
  label: string;
  /** Inclusive lower bound, as a timestamptz literal in UTC. */
  from: string;
  /** Exclusive upper bound. */
  to: string;
}

interface ParentTable {
  /** The range partition key column. */
  keyColumn: string;
  /** `schema.name` of the DEFAULT partition, if the table has one. */
  defaultPartition: string | undefined;
}

/**
 * Makes sure `table` (`schema.table`, partitioned BY RANGE on one timestamp column) has a
 * partition `schema.table_pYYYYMM` for the current UTC month and each of the next
 * `monthsAhead` months, and returns the names of those this call created (`[]` when all were
 * there). Idempotent, and safe when several processes run it at once: the whole check-and-create
 * runs in one transaction holding an advisory lock on the table's name, so a second caller
 * waits, then finds the partitions made and creates nothing.
 *
 * Rows that landed in the table's DEFAULT partition for a month that had no partition yet (the
 * maintenance had not run, or failed) would make a plain `create table ... partition of` fail
 * for that month forever; they are moved into the new partition in the same transaction, so
 * the month gets its partition and nothing is lost.
 */
export async function ensureMonthlyPartitions(
  db: SqlDatabase,
  table: string,
  options: EnsureMonthlyPartitionsOptions = {},
): Promise<string[]> {
  const [schema, name] = splitTableName(table);
  const monthsAhead = options.monthsAhead ?? DEFAULT_MONTHS_AHEAD;
  if (!Number.isInteger(monthsAhead) || monthsAhead < 0 || monthsAhead > MAX_MONTHS_AHEAD) {
    throw new RangeError(`monthsAhead must be an integer from 0 to ${MAX_MONTHS_AHEAD}, got ${monthsAhead}`);
  }
  const months = monthsFrom(options.now ?? new Date(), monthsAhead);

  return db
    .kysely<object>()
    .transaction()
    .execute(async (trx) => {
      // Moving rows out of a big DEFAULT partition may take longer than the pool's timeout allows.
      await sql`set local statement_timeout = 0`.execute(trx);
      await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${table}))`.execute(trx);
      const parent = await describeParent(trx, table);
      const created: string[] = [];
      for (const month of months) {
        const partition = `${schema}.${name}_p${month.label}`;
        if (await relationExists(trx, partition)) continue;
        await createPartition(trx, { schema, name }, `${name}_p${month.label}`, month, parent);
        created.push(partition);
      }
      return created;
    });
}

function splitTableName(table: string): [string, string] {
  const parts = table.split('.');
  const [schema, name] = parts;
  if (parts.length !== 2 || schema === undefined || name === undefined) {
    throw new Error(`Partitioned table "${table}": expected schema.table`);
  }
  for (const part of parts) {
    if (!IDENTIFIER.test(part))
      throw new Error(`Partitioned table "${table}": "${part}" is not a plain identifier`);
  }
  if (name.length + PARTITION_SUFFIX_LENGTH > MAX_IDENTIFIER_BYTES) {
    throw new Error(`Partitioned table "${table}": name too long for monthly partition names`);
  }
  return [schema, name];
}

/** The UTC months from the one holding `now`, `monthsAhead` more. */
function monthsFrom(now: Date, monthsAhead: number): Month[] {
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid date');
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const months: Month[] = [];
  for (let offset = 0; offset <= monthsAhead; offset++) {
    // Date.UTC carries month overflow into the year: month 12 is next January.
    const start = new Date(Date.UTC(year, month + offset, 1));
    const end = new Date(Date.UTC(year, month + offset + 1, 1));
    months.push({
      label: `${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`,
      from: timestampLiteral(start),
      to: timestampLiteral(end),
    });
  }
  return months;
}

/** `2026-01-01 00:00:00+00`: explicit UTC, so the session's TimeZone cannot shift a bound. */
function timestampLiteral(date: Date): string {
  return `${date.toISOString().slice(0, 10)} 00:00:00+00`;
}

async function describeParent(trx: Kysely<object>, table: string): Promise<ParentTable> {
  const { rows } = await sql<{ key: string; default_partition: string | null }>`
    select pg_get_partkeydef(p.partrelid) as key,
           case when p.partdefid = 0 then null
                else (select n.nspname || '.' || c.relname
                      from pg_class c join pg_namespace n on n.oid = c.relnamespace
                      where c.oid = p.partdefid)
           end as default_partition
    from pg_partitioned_table p
    where p.partrelid = to_regclass(${table})`.execute(trx);
  const row = rows[0];
  if (row === undefined) throw new Error(`${table} does not exist or is not a partitioned table`);
  const keyColumn = PARTITION_KEY.exec(row.key)?.[1];
  if (keyColumn === undefined) {
    throw new Error(`${table} is partitioned by ${row.key}, not by range on one column`);
  }
  return { keyColumn, defaultPartition: row.default_partition ?? undefined };
}

async function relationExists(trx: Kysely<object>, qualifiedName: string): Promise<boolean> {
  const { rows } = await sql<{
    found: boolean;
  }>`select to_regclass(${qualifiedName}) is not null as found`.execute(trx);
  return rows[0]?.found === true;
}

async function createPartition(
  trx: Kysely<object>,
  parent: { schema: string; name: string },
  partitionName: string,
  month: Month,
  { keyColumn, defaultPartition }: ParentTable,
): Promise<void> {
  const parentId = sql.id(parent.schema, parent.name);
  const partitionId = sql.id(parent.schema, partitionName);
  // DDL takes no bind parameters: the bounds are literals, made above from a Date.
  const bounds = sql`for values from (${sql.lit(month.from)}) to (${sql.lit(month.to)})`;
  const source = defaultPartition === undefined ? undefined : qualifiedId(defaultPartition);
  if (source === undefined || !(await hasRowsInRange(trx, source, sql.id(keyColumn), month))) {
    // The usual case, months ahead of their first row. With a DEFAULT partition, PostgreSQL scans
    // it to check that none of its rows belongs to the new month: it is meant to stay near empty.
    await sql`create table if not exists ${partitionId} partition of ${parentId} ${bounds}`.execute(trx);
    return;
  }
  // Built beside the parent, filled from the DEFAULT partition, then attached: attaching checks
  // that the DEFAULT partition holds no row of the month any more, which it no longer does.
  const columns = await insertableColumns(trx, parent);
  const columnList = sql.join(columns.map((column) => sql.id(column)));
  await sql`create table ${partitionId} (like ${parentId} including all)`.execute(trx);
  await sql`
    with moved as (
      delete from ${source}
      where ${sql.id(keyColumn)} >= ${sql.lit(month.from)} and ${sql.id(keyColumn)} < ${sql.lit(month.to)}
      returning ${columnList}
    )
    insert into ${partitionId} (${columnList}) select ${columnList} from moved`.execute(trx);
  await sql`alter table ${parentId} attach partition ${partitionId} ${bounds}`.execute(trx);
}

async function hasRowsInRange(
  trx: Kysely<object>,
  partition: RawBuilder<unknown>,
  keyColumn: RawBuilder<unknown>,
  month: Month,
): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (
      select 1 from ${partition} where ${keyColumn} >= ${month.from}::timestamptz and ${keyColumn} < ${month.to}::timestamptz
    ) as found`.execute(trx);
  return rows[0]?.found === true;
}

/** The parent's columns in order, less dropped and generated ones (which cannot be inserted). */
async function insertableColumns(
  trx: Kysely<object>,
  parent: { schema: string; name: string },
): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select a.attname as name
    from pg_attribute a
    where a.attrelid = to_regclass(${`${parent.schema}.${parent.name}`})
      and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by a.attnum`.execute(trx);
  return rows.map((row) => row.name);
}

/** A `schema.name` read from the catalog, quoted as two identifiers. */
function qualifiedId(qualifiedName: string): RawBuilder<unknown> {
  const dot = qualifiedName.indexOf('.');
  return sql.id(qualifiedName.slice(0, dot), qualifiedName.slice(dot + 1));
}

export interface PartitionMaintainerOptions {
  db: SqlDatabase;
  /** `schema.table` of each table to maintain (each partitioned BY RANGE on a timestamp). */
  tables: readonly string[];
  /** Pause between runs (default 12 h: with two months ahead, many missed runs still leave room). */
  intervalMs?: number;
  /** Passed to ensureMonthlyPartitions (default 2). */
  monthsAhead?: number;
  now?: () => Date;
  /** A table whose maintenance failed this run; the others are still maintained. Default: stderr. */
  onError?: (err: unknown, table: string) => void;
  /** Partitions a run created for a table (called only when it created some). */
  onCreated?: (table: string, partitions: readonly string[]) => void;
}

export const DEFAULT_PARTITION_MAINTENANCE_INTERVAL_MS = 12 * 60 * 60 * 1000;

/**
 * Runs ensureMonthlyPartitions for a list of tables now and then every `intervalMs`, so the
 * next months' partitions always exist before the first row needs them. Every replica may run
 * one: concurrent runs are serialised by the database, and the loser creates nothing.
 */
export class PartitionMaintainer {
  readonly #options: PartitionMaintainerOptions;
  readonly #schedule: PeriodicTask;

  constructor(options: PartitionMaintainerOptions) {
    this.#options = options;
    this.#schedule = new PeriodicTask(
      () => this.runOnce(),
      options.intervalMs ?? DEFAULT_PARTITION_MAINTENANCE_INTERVAL_MS,
    );
  }

  /** Runs at once, then every `intervalMs` (no-op when started). */
  start(): void {
    this.#schedule.start();
  }

  /** Stops the schedule; resolves once a run in progress, if any, has finished. */
  stop(): Promise<void> {
    return this.#schedule.stop();
  }

  /** One run over every table; never rejects (failures go to onError). Returns what it created. */
  async runOnce(): Promise<string[]> {
    const { db, tables, monthsAhead, now } = this.#options;
    // One moment for the whole run: every table gets the same months.
    const at = now?.();
    const created: string[] = [];
    for (const table of tables) {
      try {
        const made = await ensureMonthlyPartitions(db, table, {
          ...(monthsAhead !== undefined && { monthsAhead }),
          ...(at !== undefined && { now: at }),
        });
        created.push(...made);
        if (made.length > 0) notifySafely(() => this.#options.onCreated?.(table, made));
      } catch (err) {
        notifySafely(() =>
          (this.#options.onError ?? ((e, t) => console.error(`partition maintenance of ${t} failed`, e)))(
            err,
            table,
          ),
        );
      }
    }
    return created;
  }
}
