import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describeAnalyticsScenarios } from './analytics.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describeAnalyticsScenarios('postgres', tempPostgresFactory());
