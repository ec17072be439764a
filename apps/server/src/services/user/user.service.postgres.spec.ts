import { afterAll } from 'vitest';

import { PostgresDatabase } from '../../platform/sql/postgres.database.js';
import { createTempDatabase, type TempDatabase } from '../../platform/sql/testing/temp-database.js';
import { describeUserScenarios } from './user.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: createTempDatabase rejects.
let temp: TempDatabase | undefined;
afterAll(async () => {
  await temp?.drop();
});

describeUserScenarios('postgres', async () => {
  temp = await createTempDatabase();
  return new PostgresDatabase({ url: temp.url });
});
