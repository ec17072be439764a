import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from './postgres.database.js';
import { describeSqlContract } from './sql.contract.js';
import { sqlState } from './sql.errors.js';
import { createTempDatabase, type TempDatabase } from './testing/temp-database.js';

let temp: TempDatabase;
beforeAll(async () => {
  temp = await createTempDatabase();
});
afterAll(async () => {
  await temp?.drop();
});

describeSqlContract('postgres', () => Promise.resolve(new PostgresDatabase({ url: temp.url, poolMax: 5 })));

describe('PostgresDatabase', () => {
  const opened: PostgresDatabase[] = [];
  function open(options: Partial<ConstructorParameters<typeof PostgresDatabase>[0]> = {}): PostgresDatabase {
    const db = new PostgresDatabase({ url: temp.url, ...options });
    opened.push(db);
    return db;
  }
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
  });

  it('skips rows another transaction holds with for update skip locked', async () => {
    const db = open();
    const k = db.kysely();
    await sql`create table skip_locked (id bigint primary key)`.execute(k);
    await sql`insert into skip_locked select generate_series(1, 6)`.execute(k);

    const seenByOther = await k.transaction().execute(async (holder) => {
      await sql`select id from skip_locked where id <= 3 for update`.execute(holder);
      // A second connection, while the first still holds rows 1..3.
      const { rows } = await sql<{ id: string }>`
        select id from skip_locked order by id for update skip locked`.execute(k);
      return rows.map((row) => row.id);
    });

    expect(seenByOther).toEqual(['4', '5', '6']);
  });

  it("keeps int8 as a string even when pg's global parsers are changed", async () => {
    const previous = pg.types.getTypeParser(20, 'text') as (value: string) => unknown;
    pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));
    try {
      const { rows } = await sql<{ n: unknown }>`select 9007199254740993::bigint as n`.execute(
        open().kysely(),
      );
      expect(rows[0]?.n).toBe('9007199254740993');
    } finally {
      pg.types.setTypeParser(20, previous);
    }
  });

  it('applies the statement timeout', async () => {
    const db = open({ statementTimeoutMs: 100 });

    const err = await sql`select pg_sleep(5)`.execute(db.kysely()).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(sqlState(err)).toBe('57014');
  });

  it('survives connections killed by the server, idle or checked out', async () => {
    const errors: Error[] = [];
    let onNextError = (): void => {};
    const nextError = () => new Promise<void>((resolve) => (onNextError = resolve));
    const applicationName = `glimpse_kill_${process.pid}`;
    const db = open({
      applicationName,
      poolMax: 2,
      onError: (err) => {
        errors.push(err);
        onNextError();
      },
    });
    const admin = open();
    const kill = () =>
      sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${applicationName}`.execute(
        admin.kysely(),
      );

    // Idle in the pool.
    await db.ping();
    let errored = nextError();
    await kill();
    await errored;
    await db.ping();

    // Checked out by a transaction, between two queries: the pool does not listen to it then.
    const transaction = db
      .kysely()
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        errored = nextError();
        await kill();
        await errored;
        await sql`select 1`.execute(trx);
      });
    await expect(transaction).rejects.toThrow(/not queryable|terminat/);
    expect(errors.map((err) => sqlState(err))).toContain('57P01');
    await db.ping();
  });

  it('reports its name in pg_stat_activity', async () => {
    const db = open({ applicationName: 'glimpse_name_check' });
    const { rows } = await sql<{ name: string }>`select current_setting('application_name') as name`.execute(
      db.kysely(),
    );
    expect(rows[0]?.name).toBe('glimpse_name_check');
  });

  it('rejects ping when the server is unreachable', async () => {
    const db = new PostgresDatabase({ url: 'postgres://postgres@127.0.0.1:1/postgres', pingTimeoutMs: 1000 });
    opened.push(db);
    await expect(db.ping()).rejects.toThrow();
  });
});
