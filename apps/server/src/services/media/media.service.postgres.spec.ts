import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describeMediaScenarios } from './media.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describeMediaScenarios('postgres', tempPostgresFactory());
