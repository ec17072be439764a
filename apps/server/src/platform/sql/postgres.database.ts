import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { SqlDatabase } from './sql.port.js';

export interface PostgresDatabaseOptions {
  url: string;
  /** Connections in the pool (default 10). */
  poolMax?: number;
  /** Server-side `statement_timeout` for every connection; unset = the server's default. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, new or from the pool (default 5000). */
  connectionTimeoutMs?: number;
  /** Shown in `pg_stat_activity`. */
  applicationName?: string;
  /** Bound on `ping()` (default 2000). */
  pingTimeoutMs?: number;
  /** Connection-level errors (server restart, network cut); the pool replaces the connection. */
  onError?: (err: Error) => void;
}

const INT8_OID = 20;

/**
 * int8 stays a decimal string (64-bit IDs do not fit a JS number). This is pg's default too,
 * but a per-pool type table keeps it so even if some other module changes pg's global parsers.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => value
      : (pg.types.getTypeParser(oid, format) as unknown),
};

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #db: Kysely<object>;
  readonly #pingTimeoutMs: number;

  constructor(options: PostgresDatabaseOptions) {
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      ...(options.statementTimeoutMs !== undefined && { statement_timeout: options.statementTimeoutMs }),
      ...(options.applicationName !== undefined && { application_name: options.applicationName }),
      types,
    });
    const onError = options.onError ?? (() => {});
    // An unhandled 'error' event kills the process. The pool only listens on idle clients and
    // detaches at checkout, so a connection dying while checked out (e.g. a transaction waiting
    // on Kafka) would crash us: every client gets a listener of its own.
    this.#pool.on('error', onError);
    this.#pool.on('connect', (client) => client.on('error', onError));
    this.#db = new Kysely<object>({ dialect: new PostgresDialect({ pool: this.#pool }) });
  }

  kysely<Tables>(): Kysely<Tables> {
    return this.#db as unknown as Kysely<Tables>;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db, { signal: AbortSignal.timeout(this.#pingTimeoutMs) });
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    // Kysely only ends a pool it has used.
    if (!this.#pool.ended) await this.#pool.end();
  }
}
