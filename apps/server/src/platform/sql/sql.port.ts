import type { Kysely } from 'kysely';

/**
 * The SQL port. Both adapters (PostgreSQL pool, embedded PGlite) speak the same PostgreSQL
 * dialect, so repositories write one query for both. Each service types its own schema with
 * `sql.kysely<MyTables>()`; tables are schema-qualified (`'users.profiles'`).
 */
export interface SqlDatabase {
  readonly dialect: 'postgres' | 'pglite';
  /** A query builder typed for the caller's tables. All callers share one pool. */
  kysely<Tables>(): Kysely<Tables>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
