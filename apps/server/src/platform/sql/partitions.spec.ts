import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureMonthlyPartitions, PartitionMaintainer } from './partitions.js';
import { PgliteDatabase } from './pglite.database.js';
import type { SqlDatabase } from './sql.port.js';
import { tempPostgresFactory } from './testing/temp-database.js';

describePartitions('pglite (in memory)', () => PgliteDatabase.open());
// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describePartitions('postgres', tempPostgresFactory());

function describePartitions(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`monthly partitions on ${name}`, () => {
    let db: SqlDatabase;
    let tables = 0;

    /** A fresh table partitioned like the engagement tables, with its DEFAULT partition. */
    async function newTable(): Promise<string> {
      const table = `parts.events_${++tables}`;
      await sql
        .raw(
          `create table ${table} (
             id bigint not null,
             note text,
             created_at timestamptz not null,
             primary key (id, created_at)
           ) partition by range (created_at);
           create index ${table.slice('parts.'.length)}_note_idx on ${table} (note);
           create table ${table}_default partition of ${table} default;`,
        )
        .execute(db.kysely<object>());
      return table;
    }

    /** The partitions of `table` with their bounds, by name. */
    async function partitionsOf(table: string): Promise<Record<string, string>> {
      const { rows } = await sql<{ name: string; bound: string }>`
        select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = to_regclass(${table})
        order by c.relname`.execute(db.kysely<object>());
      return Object.fromEntries(rows.map((row) => [row.name, row.bound]));
    }

    /** Which partition holds each row, by id. */
    async function placement(table: string): Promise<Record<string, string>> {
      const { rows } = await sql<{ id: string; partition: string }>`
        select id, tableoid::regclass::text as partition from ${sql.table(table)} order by id`.execute(
        db.kysely<object>(),
      );
      return Object.fromEntries(rows.map((row) => [row.id, row.partition]));
    }

    async function insert(table: string, id: number, createdAt: string): Promise<void> {
      await sql`insert into ${sql.table(table)} (id, note, created_at) values (${id}, ${`row ${id}`}, ${createdAt}::timestamptz)`.execute(
        db.kysely<object>(),
      );
    }

    beforeAll(async () => {
      db = await open();
      await sql`create schema parts`.execute(db.kysely<object>());
    });

    afterAll(async () => {
      await db?.close();
    });

    it('creates the current month and the next two, in UTC, across a year boundary', async () => {
      const table = await newTable();
      // Already December 1st in UTC, still November 30th in New York: UTC decides.
      const created = await ensureMonthlyPartitions(db, table, {
        now: new Date('2026-12-01T02:00:00-05:00'),
      });

      expect(created).toEqual([`${table}_p202612`, `${table}_p202701`, `${table}_p202702`]);
      const short = table.slice('parts.'.length);
      const partitions = await partitionsOf(table);
      expect(Object.keys(partitions)).toEqual([
        `${short}_default`,
        `${short}_p202612`,
        `${short}_p202701`,
        `${short}_p202702`,
      ]);
      expect(partitions[`${short}_default`]).toBe('DEFAULT');
      // Bounds are printed in the session's time zone; compare instants.
      const bound = partitions[`${short}_p202701`] ?? '';
      const [from, to] = [...bound.matchAll(/'([^']+)'/g)].map((match) =>
        new Date(match[1] ?? '').toISOString(),
      );
      expect([from, to]).toEqual(['2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z']);
    });

    it('routes rows to the month they belong to, the last millisecond of a year included', async () => {
      const table = await newTable();
      await ensureMonthlyPartitions(db, table, { now: new Date('2026-11-15T00:00:00Z'), monthsAhead: 2 });
      await insert(table, 1, '2026-11-01T00:00:00Z');
      await insert(table, 2, '2026-12-31T23:59:59.999Z');
      await insert(table, 3, '2027-01-01T00:00:00Z');
      await insert(table, 4, '2027-01-31T23:59:59.999999Z');
      // Past the maintained months (and before them): the DEFAULT partition, never an error.
      await insert(table, 5, '2027-02-01T00:00:00Z');
      await insert(table, 6, '2026-10-31T23:59:59.999Z');

      expect(await placement(table)).toEqual({
        '1': `${table}_p202611`,
        '2': `${table}_p202612`,
        '3': `${table}_p202701`,
        '4': `${table}_p202701`,
        '5': `${table}_default`,
        '6': `${table}_default`,
      });
    });

    it('is idempotent, creating only the months that are missing', async () => {
      const table = await newTable();
      const now = new Date('2027-03-10T00:00:00Z');
      expect(await ensureMonthlyPartitions(db, table, { now, monthsAhead: 1 })).toHaveLength(2);
      expect(await ensureMonthlyPartitions(db, table, { now, monthsAhead: 1 })).toEqual([]);
      expect(await ensureMonthlyPartitions(db, table, { now })).toEqual([`${table}_p202705`]);
      expect(await ensureMonthlyPartitions(db, table, { now: new Date('2027-04-30T23:00:00Z') })).toEqual([
        `${table}_p202706`,
      ]);
      expect(Object.keys(await partitionsOf(table))).toHaveLength(1 + 4);
    });

    it('creates each partition once when several callers run at the same time', async () => {
      const table = await newTable();
      const now = new Date('2027-08-20T00:00:00Z');
      const runs = await Promise.all([1, 2, 3, 4].map(() => ensureMonthlyPartitions(db, table, { now })));

      expect(runs.flat().sort()).toEqual([`${table}_p202708`, `${table}_p202709`, `${table}_p202710`]);
      // One caller made them all; the others waited for its lock and found them made.
      expect(runs.filter((created) => created.length > 0)).toHaveLength(1);
      expect(Object.keys(await partitionsOf(table))).toHaveLength(1 + 3);
    });

    it('moves rows that went to the DEFAULT partition into their new month, indexes and all', async () => {
      const table = await newTable();
      await insert(table, 1, '2027-05-02T10:00:00Z');
      await insert(table, 2, '2027-06-30T10:00:00Z');
      await insert(table, 3, '2028-01-01T00:00:00Z');

      const created = await ensureMonthlyPartitions(db, table, { now: new Date('2027-05-31T00:00:00Z') });

      expect(created).toEqual([`${table}_p202705`, `${table}_p202706`, `${table}_p202707`]);
      expect(await placement(table)).toEqual({
        '1': `${table}_p202705`,
        '2': `${table}_p202706`,
        '3': `${table}_default`,
      });
      // A moved-into partition is a full partition: its primary key refuses a duplicate row.
      await expect(insert(table, 1, '2027-05-02T10:00:00Z')).rejects.toMatchObject({ code: '23505' });
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_indexes
        where schemaname = 'parts' and tablename = ${`${table.slice('parts.'.length)}_p202705`}`.execute(
        db.kysely<object>(),
      );
      expect(rows[0]?.n).toBe(2);
    });

    it('refuses a table that is not partitioned by range, and names that are not plain identifiers', async () => {
      await sql`create table parts.plain (id bigint)`.execute(db.kysely<object>());
      await expect(ensureMonthlyPartitions(db, 'parts.plain')).rejects.toThrow(/not a partitioned table/);
      await expect(ensureMonthlyPartitions(db, 'parts.missing')).rejects.toThrow(/does not exist/);
      await expect(ensureMonthlyPartitions(db, 'plain')).rejects.toThrow(/expected schema.table/);
      await expect(ensureMonthlyPartitions(db, 'parts."x"; drop')).rejects.toThrow(/not a plain identifier/);
      await expect(ensureMonthlyPartitions(db, 'parts.events_1', { monthsAhead: -1 })).rejects.toThrow(
        RangeError,
      );
    });

    it('maintains every table on start and on each interval, reporting a failing table without stopping', async () => {
      const [first, second] = [await newTable(), await newTable()];
      let month = 0;
      const errors: string[] = [];
      const created: string[] = [];
      let runsSeen = 0;
      let secondRun: () => void = () => undefined;
      const secondRunDone = new Promise<void>((resolve) => (secondRun = resolve));
      const maintainer = new PartitionMaintainer({
        db,
        tables: [first, 'parts.missing', second],
        monthsAhead: 0,
        intervalMs: 1,
        // Each run happens a month after the previous one.
        now: () => new Date(Date.UTC(2028, month++, 5)),
        onError: (_err, table) => {
          errors.push(table);
          if (++runsSeen === 2) secondRun();
        },
        onCreated: (_table, partitions) => created.push(...partitions),
      });

      maintainer.start();
      await secondRunDone;
      await maintainer.stop();

      expect(errors.slice(0, 2)).toEqual(['parts.missing', 'parts.missing']);
      expect(created.slice(0, 4)).toEqual([
        `${first}_p202801`,
        `${second}_p202801`,
        `${first}_p202802`,
        `${second}_p202802`,
      ]);
    });

    it('has made its first run by the time stop() resolves', async () => {
      const table = await newTable();
      const maintainer = new PartitionMaintainer({
        db,
        tables: [table],
        now: () => new Date('2029-01-01T00:00:00Z'),
      });
      maintainer.start();
      await maintainer.stop();
      expect(Object.keys(await partitionsOf(table))).toHaveLength(1 + 3);
      await expect(maintainer.runOnce()).resolves.toEqual([]);
    });
  });
}
