import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describeAnalyticsScenarios } from './analytics.scenarios.js';

describeAnalyticsScenarios('pglite (in memory)', () => PgliteDatabase.open());
