import { tempPostgresFactory } from '../../platform/sql/testing/temp-database.js';
import { describeCommentScenarios } from './comment.scenarios.js';

// Fails (never skips) when PostgreSQL is unreachable: creating the temporary database rejects.
describeCommentScenarios('postgres', tempPostgresFactory());
