import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describeMediaScenarios } from './media.scenarios.js';

describeMediaScenarios('pglite (in memory)', () => PgliteDatabase.open());
