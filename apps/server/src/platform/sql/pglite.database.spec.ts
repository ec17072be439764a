import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteDatabase } from './pglite.database.js';
import { describeSqlContract } from './sql.contract.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'glimpse-pglite-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeSqlContract('pglite in memory', () => PgliteDatabase.open());
describeSqlContract('pglite on disk', async () =>
  PgliteDatabase.open({ dataDir: join(await tempDir(), 'contract') }),
);

describe('PgliteDatabase', () => {
  it('creates a missing data directory and keeps the data across close and reopen', async () => {
    const dataDir = join(await tempDir(), 'nested', 'data');
    const first = await PgliteDatabase.open({ dataDir });
    expect(first.dialect).toBe('pglite');
    await sql`create table kept (id bigint primary key, note text)`.execute(first.kysely());
    await sql`insert into kept values (42, 'still here')`.execute(first.kysely());
    await first.close();

    const second = await PgliteDatabase.open({ dataDir });
    try {
      const { rows } = await sql`select id, note from kept`.execute(second.kysely());
      expect(rows).toEqual([{ id: '42', note: 'still here' }]);
    } finally {
      await second.close();
    }
  });
});
