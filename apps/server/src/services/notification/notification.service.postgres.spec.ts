import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describeNotificationScenarios } from './notification.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describeNotificationScenarios('postgres', tempPostgresFactory());
