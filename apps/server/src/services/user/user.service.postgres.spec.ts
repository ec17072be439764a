import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describeUserScenarios } from './user.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describeUserScenarios('postgres', tempPostgresFactory());
