import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describeLikeScenarios } from './like.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describeLikeScenarios('postgres', tempPostgresFactory());
