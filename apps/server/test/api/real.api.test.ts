import { startRealApp } from '../support/start-app.js';
import { describeApiSuite } from './api.scenarios.js';

describeApiSuite('real infrastructure (PostgreSQL, Redis, Kafka)', () => startRealApp());
