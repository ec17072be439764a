import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describePostScenarios } from './post.scenarios.js';

describePostScenarios('pglite (in memory)', () => PgliteDatabase.open());
