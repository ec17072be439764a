import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describeUserScenarios } from './user.scenarios.js';

describeUserScenarios('pglite (in memory)', () => PgliteDatabase.open());
