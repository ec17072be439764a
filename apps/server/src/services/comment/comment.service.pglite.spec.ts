import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describeCommentScenarios } from './comment.scenarios.js';

describeCommentScenarios('pglite (in memory)', () => PgliteDatabase.open());
