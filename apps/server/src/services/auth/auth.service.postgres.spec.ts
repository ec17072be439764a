import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describeAuthScenarios } from './auth.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describeAuthScenarios('postgres', tempPostgresFactory());
