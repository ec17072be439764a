import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { DistributedCluster } from './distributed-cluster.js';
import {
  ConfigError,
  GRPC_SERVICE_ROLES,
  loadConfig,
  type GrpcServiceRole,
} from '../platform/config/config.js';
import { DEFAULT_OPS_PORTS, distributedPlan } from './distributed-plan.js';

/**
 * `npm run start:distributed`: every role in its own OS process on 127.0.0.1, talking gRPC,
 * on real PostgreSQL, Redis and Kafka (from DATABASE_URL, REDIS_URL, KAFKA_BROKERS, or the
 * local services, started by scripts/services-up.sh when those are not set).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const mainJs = path.resolve(here, '../main.js');

// PORT and GRPC_<ROLE>_URL choose the ports, read (and validated) as every process reads them.
let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(78); // EX_CONFIG, as the server itself
}
const plan = distributedPlan({
  gateway: config.http.port,
  grpc: Object.fromEntries(GRPC_SERVICE_ROLES.map((role) => [role, config.grpc.urls[role].port])) as Record<
    GrpcServiceRole,
    number
  >,
  ops: DEFAULT_OPS_PORTS,
});

const usesLocalServices = !process.env.DATABASE_URL || !process.env.REDIS_URL || !process.env.KAFKA_BROKERS;
if (usesLocalServices) {
  execFileSync('bash', [path.join(repoRoot, 'scripts/services-up.sh')], { stdio: 'inherit' });
}
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/glimpse';
await ensureDatabase(databaseUrl);

let stopping = false;
const cluster = new DistributedCluster({
  mainJs,
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    DATA_DIR: process.env.DATA_DIR ?? path.join(repoRoot, 'data', 'distributed'),
    ...plan.env,
  },
  processes: plan.processes,
  // Nothing restarts silently: one process dying stops the whole shape, loudly.
  onUnexpectedExit: (name, code, signal) => {
    console.error(
      `[launcher] ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping every process`,
    );
    void shutdown(1);
  },
});

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('[launcher] stopping every process');
  await cluster.stop();
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await cluster.start();
  const pids = cluster.names().map((name) => `${name} (pid ${cluster.pid(name)})`);
  console.log(`[launcher] Glimpse (distributed) is ready on ${cluster.url('gateway')}: ${pids.join(', ')}`);
} catch (err) {
  console.error('[launcher] start failed:', err instanceof Error ? err.message : err);
  await shutdown(1);
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
