import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describeAuthScenarios } from './auth.scenarios.js';

describeAuthScenarios('pglite (in memory)', () => PgliteDatabase.open());
