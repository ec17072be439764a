import { startEmbeddedApp } from '../support/start-app.js';
import { describeApiSuite } from './api.scenarios.js';

describeApiSuite('embedded infrastructure (PGlite, memory cache, in-process bus)', () => startEmbeddedApp());
