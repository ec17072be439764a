import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describeLikeScenarios } from './like.scenarios.js';

describeLikeScenarios('pglite (in memory)', () => PgliteDatabase.open());
