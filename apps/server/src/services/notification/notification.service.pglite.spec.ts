import { PgliteDatabase } from '../../platform/sql/pglite.database.js';
import { describeNotificationScenarios } from './notification.scenarios.js';

describeNotificationScenarios('pglite (in memory)', () => PgliteDatabase.open());
