import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql, type Generated, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrator.js';
import { isUniqueViolation, sqlState } from './sql.errors.js';
import type { SqlDatabase } from './sql.port.js';

interface ContractTables {
  'sql_contract.items': {
    id: string;
    name: string;
    data: unknown;
    at: Date | null;
  };
  'sql_contract.jobs': { id: string };
  'sql_contract.log': { seq: Generated<number>; note: string };
}

/**
 * The behaviour repositories and the outbox rely on, identical on every adapter. `factory`
 * returns an open database; the suite closes it.
 */
export function describeSqlContract(name: string, factory: () => Promise<SqlDatabase>): void {
  describe(`SqlDatabase contract: ${name}`, () => {
    let db: SqlDatabase;
    let k: Kysely<ContractTables>;
    const tempDirs: string[] = [];

    beforeAll(async () => {
      db = await factory();
      k = db.kysely<ContractTables>();
      await sql`drop schema if exists sql_contract cascade`.execute(k);
      await sql`create schema sql_contract`.execute(k);
      await sql`
        create table sql_contract.items (
          id bigint primary key,
          name text not null unique,
          data jsonb,
          at timestamptz
        )`.execute(k);
      await sql`create table sql_contract.jobs (id bigint primary key)`.execute(k);
      await sql`create table sql_contract.log (seq serial primary key, note text not null)`.execute(k);
    });

    afterAll(async () => {
      await db?.close();
      await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    /** Writes `{ 'schema/file.sql': text }` under a fresh temporary migrations root. */
    async function migrationsDir(files: Record<string, string>): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'glimpse-migrations-'));
      tempDirs.push(dir);
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      return dir;
    }

    async function tableExists(qualified: string): Promise<boolean> {
      const { rows } = await sql<{
        found: string | null;
      }>`select to_regclass(${qualified})::text as found`.execute(k);
      return rows[0]?.found != null;
    }

    async function recordedMigrations(
      schema: string,
    ): Promise<{ name: string; checksum: string; applied_at: Date }[]> {
      const { rows } = await sql<{ name: string; checksum: string; applied_at: Date }>`
        select name, checksum, applied_at from public.schema_migrations
        where name like ${`${schema}/%`} order by name`.execute(k);
      return rows;
    }

    it('answers ping', async () => {
      await expect(db.ping()).resolves.toBeUndefined();
    });

    describe('migrate', () => {
      it('applies multi-statement files from an empty schema once, and nothing on a second run', async () => {
        const s = uniqueName('mig');
        const dir = await migrationsDir({
          [`${s}/20260101000000_init.sql`]: [
            `create schema if not exists ${s};`,
            `-- a comment; with a semicolon`,
            `create table ${s}.notes (id bigint primary key, body text not null);`,
          ].join('\n'),
          [`${s}/20260102000000_more.sql`]: [
            `alter table ${s}.notes add column tag text;`,
            `create function ${s}.shout(t text) returns text language plpgsql as $$`,
            `begin return upper(t) || '!'; end; $$;`,
            `insert into ${s}.notes (id, body, tag) values (1, 'a;b', ${s}.shout('x'));`,
          ].join('\n'),
        });

        expect(await migrate(db, { dir })).toEqual([
          `${s}/20260101000000_init.sql`,
          `${s}/20260102000000_more.sql`,
        ]);
        expect(await migrate(db, { dir })).toEqual([]);

        const { rows } = await sql`select id, body, tag from ${sql.table(`${s}.notes`)}`.execute(k);
        expect(rows).toEqual([{ id: '1', body: 'a;b', tag: 'X!' }]);
        const recorded = await recordedMigrations(s);
        expect(recorded.map((row) => row.name)).toEqual([
          `${s}/20260101000000_init.sql`,
          `${s}/20260102000000_more.sql`,
        ]);
        for (const row of recorded) {
          expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
          expect(row.applied_at).toBeInstanceOf(Date);
        }
      });

      it('orders by timestamp across folders, ties by folder then file name', async () => {
        const p = uniqueName('ord');
        const log = (note: string) => `insert into ${p}_a.log (note) values ('${note}');`;
        const dir = await migrationsDir({
          [`${p}_b/20260101000000_first_b.sql`]: `create schema if not exists ${p}_b; ${log('b1')}`,
          [`${p}_a/20260101000000_first_a.sql`]: [
            `create schema if not exists ${p}_a;`,
            `create table ${p}_a.log (seq serial primary key, note text not null);`,
            log('a1'),
          ].join('\n'),
          [`${p}_b/20260102000000_y.sql`]: log('b2y'),
          [`${p}_b/20260102000000_x.sql`]: log('b2x'),
          [`${p}_a/20260103000000_last.sql`]: log('a3'),
          [`${p}_a/README.md`]: 'not a migration',
        });

        const applied = await migrate(db, { dir });

        expect(applied).toEqual([
          `${p}_a/20260101000000_first_a.sql`,
          `${p}_b/20260101000000_first_b.sql`,
          `${p}_b/20260102000000_x.sql`,
          `${p}_b/20260102000000_y.sql`,
          `${p}_a/20260103000000_last.sql`,
        ]);
        const { rows } = await sql<{
          note: string;
        }>`select note from ${sql.table(`${p}_a.log`)} order by seq`.execute(k);
        expect(rows.map((row) => row.note)).toEqual(['a1', 'b1', 'b2x', 'b2y', 'a3']);
      });

      it('applies only the schemas asked for', async () => {
        const p = uniqueName('sel');
        const dir = await migrationsDir({
          [`${p}_a/20260101000000_init.sql`]: `create schema ${p}_a;`,
          [`${p}_b/20260101000000_init.sql`]: `create schema ${p}_b;`,
        });

        expect(await migrate(db, { dir, schemas: [`${p}_b`] })).toEqual([`${p}_b/20260101000000_init.sql`]);
        await expect(migrate(db, { dir, schemas: [`${p}_c`] })).rejects.toThrow(`"${p}_c"`);
        expect(await migrate(db, { dir })).toEqual([`${p}_a/20260101000000_init.sql`]);
      });

      it('refuses to run when an applied file changed, naming it, and applies nothing', async () => {
        const s = uniqueName('sum');
        const dir = await migrationsDir({
          [`${s}/20260101000000_init.sql`]: `create schema ${s}; create table ${s}.t (id int);`,
        });
        await migrate(db, { dir });
        await writeFile(
          join(dir, s, '20260101000000_init.sql'),
          `create schema ${s}; create table ${s}.t (id bigint);`,
        );
        await writeFile(join(dir, s, '20260102000000_next.sql'), `create table ${s}.next (id int);`);

        await expect(migrate(db, { dir })).rejects.toThrow(`${s}/20260101000000_init.sql was changed`);
        expect(await tableExists(`${s}.next`)).toBe(false);
        expect((await recordedMigrations(s)).map((row) => row.name)).toEqual([
          `${s}/20260101000000_init.sql`,
        ]);
      });

      it('rolls back a failing file, names it, and keeps the files before it', async () => {
        const s = uniqueName('bad');
        const dir = await migrationsDir({
          [`${s}/20260101000000_init.sql`]: `create schema ${s};`,
          [`${s}/20260102000000_broken.sql`]: `create table ${s}.half (id int); select 1/0;`,
        });

        await expect(migrate(db, { dir })).rejects.toThrow(`Migration ${s}/20260102000000_broken.sql failed`);
        expect(await tableExists(`${s}.half`)).toBe(false);
        expect((await recordedMigrations(s)).map((row) => row.name)).toEqual([
          `${s}/20260101000000_init.sql`,
        ]);

        // Never applied, so fixing it in place is allowed.
        await writeFile(join(dir, s, '20260102000000_broken.sql'), `create table ${s}.half (id int);`);
        expect(await migrate(db, { dir })).toEqual([`${s}/20260102000000_broken.sql`]);
        expect(await tableExists(`${s}.half`)).toBe(true);
      });

      it('rejects a file whose name does not follow the convention', async () => {
        const s = uniqueName('nam');
        const dir = await migrationsDir({ [`${s}/2026-01-01_init.sql`]: `create schema ${s};` });

        await expect(migrate(db, { dir })).rejects.toThrow(`${s}/2026-01-01_init.sql`);
      });

      it('applies each file exactly once when several migrators start at the same time', async () => {
        const s = uniqueName('con');
        const files: Record<string, string> = { [`${s}/20260101000000_init.sql`]: `create schema ${s};` };
        const names = [`${s}/20260101000000_init.sql`];
        for (let i = 1; i <= 5; i++) {
          // Not idempotent on purpose: a second application would fail.
          files[`${s}/2026010200000${i}_t${i}.sql`] = `create table ${s}.t${i} (id int);`;
          names.push(`${s}/2026010200000${i}_t${i}.sql`);
        }
        const dir = await migrationsDir(files);

        const runs = await Promise.all([migrate(db, { dir }), migrate(db, { dir }), migrate(db, { dir })]);

        expect(runs.flat().sort()).toEqual(names);
        expect((await recordedMigrations(s)).map((row) => row.name)).toEqual(names);
      });
    });

    describe('values', () => {
      it('returns bigint (int8) as a decimal string, count(*) included', async () => {
        await k.insertInto('sql_contract.items').values({ id: '9223372036854775807', name: 'max' }).execute();

        const row = await k
          .selectFrom('sql_contract.items')
          .select(['id', (eb) => eb.fn.countAll().over().as('total')])
          .where('id', '=', '9223372036854775807')
          .executeTakeFirstOrThrow();
        expect(row.id).toBe('9223372036854775807');
        expect(row.total).toBe('1');
        const { rows } = await sql<{ n: unknown }>`select 9007199254740993::bigint as n`.execute(k);
        expect(rows[0]?.n).toBe('9007199254740993');
      });

      it('round-trips jsonb', async () => {
        const data = { nested: { list: [1, 'two', null, true, 2.5] }, emoji: '📷', quote: 'it\'s "quoted"' };
        await k
          .insertInto('sql_contract.items')
          .values([
            { id: '2', name: 'json-object', data: JSON.stringify(data) },
            { id: '3', name: 'json-array', data: JSON.stringify([1, { a: 'b' }]) },
            { id: '4', name: 'json-string', data: JSON.stringify('plain') },
          ])
          .execute();

        const rows = await k
          .selectFrom('sql_contract.items')
          .select(['id', 'data'])
          .where('id', 'in', ['2', '3', '4'])
          .orderBy('id')
          .execute();
        expect(rows.map((row) => row.data)).toEqual([data, [1, { a: 'b' }], 'plain']);
      });

      it('returns timestamptz as Date', async () => {
        const at = new Date('2026-01-02T03:04:05.678Z');
        await k.insertInto('sql_contract.items').values({ id: '5', name: 'time', at }).execute();

        const row = await k
          .selectFrom('sql_contract.items')
          .select('at')
          .where('id', '=', '5')
          .executeTakeFirstOrThrow();
        expect(row.at).toBeInstanceOf(Date);
        expect(row.at?.toISOString()).toBe(at.toISOString());
        const { rows } = await sql<{ now: unknown }>`select now() as now`.execute(k);
        expect(rows[0]?.now).toBeInstanceOf(Date);
      });
    });

    describe('transactions', () => {
      it('commit', async () => {
        await k.transaction().execute(async (trx) => {
          await trx.insertInto('sql_contract.items').values({ id: '10', name: 'committed' }).execute();
        });

        expect(await names(k, ['10'])).toEqual(['committed']);
      });

      it('roll back when the callback throws', async () => {
        const failure = new Error('changed my mind');
        await expect(
          k.transaction().execute(async (trx) => {
            await trx.insertInto('sql_contract.items').values({ id: '11', name: 'rolled-back' }).execute();
            expect(await names(trx, ['11'])).toEqual(['rolled-back']);
            throw failure;
          }),
        ).rejects.toBe(failure);

        expect(await names(k, ['11'])).toEqual([]);
      });

      it('keep concurrent transactions apart', async () => {
        const inside: string[][] = [];
        const a = k.transaction().execute(async (trx) => {
          await trx.insertInto('sql_contract.items').values({ id: '20', name: 'a' }).execute();
          // Give the other transaction every chance to run while this one is open.
          await new Promise((resolve) => setTimeout(resolve, 50));
          inside.push(await names(trx, ['20', '21']));
          throw new Error('roll back a');
        });
        const b = k.transaction().execute(async (trx) => {
          const seen = await names(trx, ['20']);
          await trx.insertInto('sql_contract.items').values({ id: '21', name: 'b' }).execute();
          return seen;
        });

        await expect(a).rejects.toThrow('roll back a');
        // b never sees a's uncommitted row, and a's rollback does not take b's row with it.
        expect(await b).toEqual([]);
        expect(await names(k, ['20', '21'])).toEqual(['b']);
        expect(inside[0]).toContain('a');
      });
    });

    describe('errors', () => {
      it('report a unique violation as code 23505, in and out of transactions', async () => {
        await k.insertInto('sql_contract.items').values({ id: '30', name: 'unique' }).execute();

        const outside = await k
          .insertInto('sql_contract.items')
          .values({ id: '30', name: 'other' })
          .execute()
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        expect((outside as { code?: unknown } | undefined)?.code).toBe('23505');
        expect(isUniqueViolation(outside)).toBe(true);

        const inside = await k
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto('sql_contract.items').values({ id: '31', name: 'fresh' }).execute();
            await trx.insertInto('sql_contract.items').values({ id: '32', name: 'unique' }).execute();
          })
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        expect(isUniqueViolation(inside)).toBe(true);
        expect(await names(k, ['31', '32'])).toEqual([]);
      });

      it('tell other constraint violations apart', async () => {
        const err = await sql`insert into sql_contract.items (id, name) values (40, null)`.execute(k).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(sqlState(err)).toBe('23502');
        expect(isUniqueViolation(err)).toBe(false);
        expect(isUniqueViolation(new Error('duplicate key value violates unique constraint'))).toBe(false);
      });
    });

    it('lets concurrent workers claim rows with for update skip locked, each row once', async () => {
      const ids = Array.from({ length: 60 }, (_, i) => String(1000 + i));
      await k
        .insertInto('sql_contract.jobs')
        .values(ids.map((id) => ({ id })))
        .execute();
      const claimed: string[] = [];

      const worker = async (): Promise<void> => {
        for (;;) {
          const batch = await k.transaction().execute(async (trx) => {
            const rows = await trx
              .selectFrom('sql_contract.jobs')
              .select('id')
              .orderBy('id')
              .limit(7)
              .forUpdate()
              .skipLocked()
              .execute();
            await new Promise((resolve) => setImmediate(resolve));
            if (rows.length > 0) {
              await trx
                .deleteFrom('sql_contract.jobs')
                .where(
                  'id',
                  'in',
                  rows.map((row) => row.id),
                )
                .execute();
            }
            return rows.map((row) => row.id);
          });
          claimed.push(...batch);
          if (batch.length === 0) return;
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);

      expect([...claimed].sort()).toEqual(ids);
    });
  });
}

async function names(k: Kysely<ContractTables>, ids: string[]): Promise<string[]> {
  const rows = await k
    .selectFrom('sql_contract.items')
    .select('name')
    .where('id', 'in', ids)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.name);
}

function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}
