import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describePostScenarios } from './post.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describePostScenarios('postgres', tempPostgresFactory());
