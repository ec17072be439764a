#!/usr/bin/env node
// `npm test`: brings up the local services (PostgreSQL, Redis, Redis Cluster, Kafka), checks
// generated code for drift, type-checks, lints, builds, and runs every test suite against
// them. Services that this run started are stopped at the end; ones already running are
// left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003',
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
};

function run(title, command, args, options = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}) after ${seconds}s`);
    return false;
  }
  console.log(`✔ ${title} (${seconds}s)`);
  return true;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const reportDir = mkdtempSync(path.join(os.tmpdir(), 'glimpse-test-report-'));
const report = path.join(reportDir, 'vitest.json');

/** One plain closing line, whatever the reporters printed above it. */
function summarize() {
  if (!existsSync(report)) return;
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`\n${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
}

const kafkaWasUp = await portOpen(9092);
const clusterWasUp = await portOpen(7001);
let ok =
  run('local services up', 'bash', ['scripts/services-up.sh']) &&
  run('redis cluster up', 'bash', ['scripts/redis-cluster-up.sh']) &&
  run('generated code is up to date', 'node', ['scripts/check-generated.mjs']) &&
  run('typecheck', 'npm', ['run', 'typecheck', '--silent']) &&
  run('lint and format', 'npm', ['run', 'lint', '--silent']) &&
  run('build', 'npm', ['run', 'build', '--silent']) &&
  run('tests', 'npx', [
    'vitest',
    'run',
    '--root',
    'apps/server',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ]);

if (!clusterWasUp) ok = run('redis cluster down', 'bash', ['scripts/redis-cluster-down.sh']) && ok;
if (!kafkaWasUp) ok = run('local services down', 'bash', ['scripts/services-down.sh']) && ok;
summarize();
rmSync(reportDir, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
