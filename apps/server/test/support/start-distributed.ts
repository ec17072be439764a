import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DistributedCluster } from '../../src/launcher/distributed-cluster.js';
import { TEST_FANOUT_FOLLOWER_THRESHOLD } from '../api/feed.scenarios.js';
import { TEST_MEDIA_MAX_BYTES } from '../api/media.scenarios.js';
import { freePort } from '../../src/testing/free-port.js';
import { distributedPlan, OPS_PROCESSES, type OpsProcess } from '../../src/launcher/distributed-plan.js';
import { GRPC_SERVICE_ROLES, type GrpcServiceRole } from '../../src/platform/config/config.js';
import { KafkaEventBus } from '../../src/platform/events/kafka.event-bus.js';
import { NamespacedEventBus } from '../../src/platform/events/namespaced.event-bus.js';
import { TOPICS } from '../../src/platform/events/topics.js';
import { createTempDatabase } from '../../src/platform/sql/testing/temp-database.js';
import type { ApiTarget } from '../api/api.scenarios.js';
import { cleanEnv, grantAdminWithCli, MAIN_JS } from './server-process.js';

export interface DistributedTarget extends ApiTarget {
  cluster: DistributedCluster;
  /** Every prefixed log line the processes wrote. */
  logs: string[];
}

/**
 * The distributed shape as `npm run start:distributed` runs it (one built process per role,
 * gRPC between them) on real PostgreSQL (a fresh database), Redis (a key prefix of its own)
 * and Kafka, with an event bus of the test's own to observe what the services publish.
 */
export async function startDistributed(env: Record<string, string> = {}): Promise<DistributedTarget> {
  const database = await createTempDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'glimpse-distributed-'));
  const kafkaBrokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const grpcPorts: Array<[GrpcServiceRole, number]> = [];
  for (const role of GRPC_SERVICE_ROLES) grpcPorts.push([role, await freePort()]);
  const plan = distributedPlan({
    gateway: 0,
    grpc: Object.fromEntries(grpcPorts) as Record<GrpcServiceRole, number>,
    ops: Object.fromEntries(OPS_PROCESSES.map((name) => [name, 0])) as Record<OpsProcess, number>,
  });
  const logs: string[] = [];
  // Topics and consumer groups of their own: other suites share the broker.
  const namespace = `test-${randomUUID().slice(0, 8)}`;
  const cluster = new DistributedCluster({
    mainJs: MAIN_JS,
    env: cleanEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      RATE_LIMIT_MULTIPLIER: '1000',
      OUTBOX_POLL_INTERVAL_MS: '50',
      MEDIA_MAX_BYTES: String(TEST_MEDIA_MAX_BYTES),
      FANOUT_FOLLOWER_THRESHOLD: String(TEST_FANOUT_FOLLOWER_THRESHOLD),
      EXPLORE_REFRESH_SECONDS: '1',
      SSE_HEARTBEAT_SECONDS: '2',
      JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `test-${randomUUID().slice(0, 8)}:`,
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_CLIENT_ID: `glimpse-${namespace}`,
      KAFKA_NAMESPACE: namespace,
      ...plan.env,
      ...env,
    }),
    processes: plan.processes,
    write: (line) => logs.push(line),
  });
  const bus = new NamespacedEventBus(
    new KafkaEventBus({ brokers: kafkaBrokers.split(','), clientId: `glimpse-test-observer-${namespace}` }),
    namespace,
  );
  try {
    await cluster.start();
    await bus.ensureTopics(TOPICS);
  } catch (err) {
    await cluster.stop();
    await bus.close();
    await database.drop();
    throw new Error(`${String(err)}\n${logs.slice(-40).join('\n')}`, { cause: err });
  }
  return {
    cluster,
    logs,
    baseUrl: cluster.url('gateway'),
    bus,
    grantAdmin: (username) => grantAdminWithCli(database.url, username),
    close: async () => {
      await bus.close();
      await cluster.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
