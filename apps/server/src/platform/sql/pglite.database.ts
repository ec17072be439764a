import { mkdir } from 'node:fs/promises';
import { PGlite, types, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import {
  Kysely,
  PGliteDialect,
  sql,
  type PGlite as KyselyPglite,
  type PGliteQueryOptions,
  type PGliteQueryResults,
  type PGliteTransaction as KyselyPgliteTransaction,
} from 'kysely';
import type { SqlDatabase } from './sql.port.js';

export interface PgliteDatabaseOptions {
  /** Directory holding the database files; undefined = in memory (lost on close). */
  dataDir?: string;
  /** Bound on `ping()` (default 5000: a long transaction holds PGlite's only connection). */
  pingTimeoutMs?: number;
}

/**
 * Embedded PostgreSQL (PGlite, WASM) with the same values as the pg pool: int8 as a decimal
 * string, timestamptz as Date, jsonb parsed.
 *
 * PGlite has one connection. Kysely's PGlite adapter declares `supportsMultipleConnections =
 * false`, so its runtime driver holds a mutex from connection acquisition to release: a
 * transaction owns the database until it ends and other queries wait, which also means code
 * must not query through the root `Kysely` while holding a transaction (it would wait forever).
 */
export class PgliteDatabase implements SqlDatabase {
  readonly dialect = 'pglite' as const;
  readonly #pglite: PGlite;
  readonly #db: Kysely<object>;
  readonly #pingTimeoutMs: number;

  private constructor(pglite: PGlite, pingTimeoutMs: number) {
    this.#pglite = pglite;
    this.#pingTimeoutMs = pingTimeoutMs;
    this.#db = new Kysely<object>({ dialect: new PGliteDialect({ pglite: withSimpleProtocol(pglite) }) });
  }

  /** Opens (and on first use initialises) the database; takes seconds. */
  static async open(options: PgliteDatabaseOptions = {}): Promise<PgliteDatabase> {
    if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
    const pglite = await PGlite.create({
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      parsers: { [types.INT8]: (value: string) => value },
    });
    return new PgliteDatabase(pglite, options.pingTimeoutMs ?? 5000);
  }

  kysely<Tables>(): Kysely<Tables> {
    return this.#db as unknown as Kysely<Tables>;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db, { signal: AbortSignal.timeout(this.#pingTimeoutMs) });
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    // Kysely only closes an instance it has used.
    if (!this.#pglite.closed) await this.#pglite.close();
  }
}

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/**
 * Runs parameterless queries through `exec` (the simple query protocol), as pg does. That is
 * what lets one `sql.raw(fileText)` run a multi-statement migration on both adapters; PGlite's
 * `query` uses the extended protocol, which accepts a single statement only.
 */
function simpleProtocolQuery(target: Queryable): KyselyPglite['query'] {
  return async <T>(
    text: string,
    params?: unknown[],
    options?: PGliteQueryOptions,
  ): Promise<PGliteQueryResults<T>> => {
    if (params !== undefined && params.length > 0) return target.query<T>(text, params, options);
    const results = await target.exec(text, options);
    const last = results.at(-1);
    return last === undefined
      ? { rows: [], fields: [] }
      : {
          rows: last.rows as T[],
          fields: last.fields,
          ...(last.affectedRows !== undefined && { affectedRows: last.affectedRows }),
        };
  };
}

function withSimpleProtocol(pglite: PGlite): KyselyPglite {
  return {
    get closed() {
      return pglite.closed;
    },
    get ready() {
      return pglite.ready;
    },
    get waitReady() {
      return pglite.waitReady;
    },
    close: () => pglite.close(),
    query: simpleProtocolQuery(pglite),
    transaction: <T>(callback: (tx: KyselyPgliteTransaction) => Promise<T>) =>
      pglite.transaction((tx: PgliteTransaction) =>
        callback({ query: simpleProtocolQuery(tx), rollback: () => tx.rollback() }),
      ),
  };
}
