import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { SqlDatabase } from './sql.port.js';

export interface MigrateOptions {
  /** Root holding one folder per schema; default: apps/server/migrations. */
  dir?: string;
  /** Only these schema folders (default: every folder). */
  schemas?: readonly string[];
}

/** src/platform/sql and dist/platform/sql are both three levels below apps/server. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

const FILE_PATTERN = /^(\d{14})_[a-z0-9_]+\.sql$/;
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]*$/;

interface MigrationFile {
  /** `<schema>/<file>`, the key recorded in public.schema_migrations. */
  name: string;
  timestamp: string;
  schema: string;
  file: string;
  text: string;
  checksum: string;
}

interface AppliedRow {
  name: string;
  checksum: string;
}

/**
 * Applies every migration not applied yet, in timestamp order across schema folders (ties:
 * folder name, then file name), each file in its own transaction. Returns the names applied
 * (`outbox/20261123232000_create_outbox.sql`). Throws before applying anything when an
 * applied file was edited. A transaction-scoped advisory lock serialises concurrent
 * migrators (several processes starting at once): each re-checks under the lock.
 *
 * Files run as one multi-statement text with the simple query protocol, so they must not
 * contain transaction control or `create index concurrently`.
 */
export async function migrate(db: SqlDatabase, options: MigrateOptions = {}): Promise<string[]> {
  const files = await readMigrations(options.dir ?? DEFAULT_MIGRATIONS_DIR, options.schemas);
  const kysely = db.kysely<object>();

  const applied = await locked(kysely, async (trx) => {
    await sql`
      create table if not exists public.schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(trx);
    return appliedMigrations(trx);
  });
  for (const file of files) assertUnchanged(file, applied.get(file.name));

  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file.name)) continue;
    const ran = await locked(kysely, async (trx) => {
      // Another process may have applied it since we looked.
      const recorded = (await appliedMigrations(trx)).get(file.name);
      if (recorded !== undefined) {
        assertUnchanged(file, recorded);
        return false;
      }
      try {
        await sql.raw(file.text).execute(trx);
      } catch (err) {
        throw new Error(
          `Migration ${file.name} failed: ${err instanceof Error ? err.message : String(err)}`,
          {
            cause: err,
          },
        );
      }
      await sql`insert into public.schema_migrations (name, checksum) values (${file.name}, ${file.checksum})`.execute(
        trx,
      );
      return true;
    });
    if (ran) done.push(file.name);
  }
  return done;
}

async function locked<T>(kysely: Kysely<object>, work: (trx: Kysely<object>) => Promise<T>): Promise<T> {
  return kysely.transaction().execute(async (trx) => {
    // The pool's statement_timeout must neither cut a long migration nor the wait for the lock.
    await sql`set local statement_timeout = 0`.execute(trx);
    // Any constant key works, as long as every process uses the same one.
    await sql`select pg_advisory_xact_lock(7340129551208811)`.execute(trx);
    return work(trx);
  });
}

async function appliedMigrations(trx: Kysely<object>): Promise<Map<string, string>> {
  const { rows } = await sql<AppliedRow>`select name, checksum from public.schema_migrations`.execute(trx);
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

function assertUnchanged(file: MigrationFile, recordedChecksum: string | undefined): void {
  if (recordedChecksum === undefined || recordedChecksum === file.checksum) return;
  throw new Error(
    `Migration ${file.name} was changed after it was applied (checksum ${recordedChecksum} recorded, ` +
      `${file.checksum} on disk). Applied migrations are immutable: restore the file and add a new migration.`,
  );
}

async function readMigrations(dir: string, schemas: readonly string[] | undefined): Promise<MigrationFile[]> {
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  for (const schema of schemas ?? []) {
    if (!folders.includes(schema)) throw new Error(`No migrations folder for schema "${schema}" in ${dir}`);
  }

  const files: MigrationFile[] = [];
  for (const schema of folders) {
    if (schemas !== undefined && !schemas.includes(schema)) continue;
    if (!SCHEMA_PATTERN.test(schema))
      throw new Error(`Migrations folder "${schema}" in ${dir} is not a schema name`);
    for (const file of await readdir(join(dir, schema))) {
      if (!file.endsWith('.sql')) continue;
      const timestamp = FILE_PATTERN.exec(file)?.[1];
      if (timestamp === undefined) {
        throw new Error(`Migration ${schema}/${file}: expected <YYYYMMDDHHMMSS>_<snake_case_name>.sql`);
      }
      // CRLF checkouts must not look like an edit.
      const text = (await readFile(join(dir, schema, file), 'utf8')).replace(/\r\n/g, '\n');
      const checksum = createHash('sha256').update(text).digest('hex');
      files.push({ name: `${schema}/${file}`, timestamp, schema, file, text, checksum });
    }
  }
  return files.sort(
    (a, b) => compare(a.timestamp, b.timestamp) || compare(a.schema, b.schema) || compare(a.file, b.file),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
