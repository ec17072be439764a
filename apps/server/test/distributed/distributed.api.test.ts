import { describeApiSuite } from '../api/api.scenarios.js';
import { startDistributed } from '../support/start-distributed.js';

describeApiSuite('the distributed shape (one process per role, gRPC; PostgreSQL, Redis, Kafka)', () =>
  startDistributed(),
);
