import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

import { PostgresDatabase, type PostgresDatabaseOptions } from '../postgres.database.js';

export interface TempDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  /** Drops the database, closing any connection still open to it. Idempotent. */
  drop(): Promise<void>;
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a fresh database `glimpse_test_<random>` on the server of `DATABASE_URL` (default:
 * the local PostgreSQL). Rejects, never skips, when the server is unreachable.
 */
export async function createTempDatabase(): Promise<TempDatabase> {
  const adminUrl = process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL;
  const name = `glimpse_test_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () => (dropped ??= admin(adminUrl, `drop database if exists ${name} with (force)`)),
  };
}

/**
 * The factory the per-adapter suites (`describe...Contract`, `describe...Scenarios`) take for
 * PostgreSQL: each call opens a pool on a fresh temporary database, and every database it made
 * is dropped once the enclosing suite (the spec file, at top level) has finished, after the
 * suites have closed their pools.
 */
export function tempPostgresFactory(
  options: Omit<PostgresDatabaseOptions, 'url'> = {},
): () => Promise<PostgresDatabase> {
  const created: TempDatabase[] = [];
  afterAll(async () => {
    await Promise.all(created.map((temp) => temp.drop()));
  });
  return async () => {
    const temp = await createTempDatabase();
    created.push(temp);
    return new PostgresDatabase({ ...options, url: temp.url });
  };
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  // A connection error after connect is reported through the pending query; do not crash on it.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(statement);
  } catch (err) {
    const where = new URL(adminUrl);
    where.password = '';
    throw new Error(
      `${statement} on ${where.host} failed (is PostgreSQL running? DATABASE_URL=${where.toString()}): ${String(err)}`,
      {
        cause: err,
      },
    );
  } finally {
    await client.end().catch(() => {});
  }
}
