/**
 * What the feed benchmark (and the fanout one) needs around the measurement: the compiled
 * server, a private PostgreSQL database and Redis key prefix per run (and their removal), the
 * load generator, and the description of the machine printed in the header.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const dist = resolve(repo, process.env.GLIMPSE_SERVER_DIST ?? 'apps/server/dist');
// The server's own client libraries, resolved as the server resolves them.
const requireFromServer = createRequire(resolve(repo, 'apps/server/package.json'));
export const pg = requireFromServer('pg');
export const { Redis } = requireFromServer('ioredis');

/** A module of the compiled server (npm run build:server). */
export function server(path) {
  return import(pathToFileURL(resolve(dist, path)).href);
}

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(statement) {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.query(statement);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh database `glimpse_bench_<random>`; `drop()` removes it, connections and all. */
export async function createBenchDatabase() {
  const name = `glimpse_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** A Redis key prefix of its own for this run. */
export function benchKeyPrefix(what) {
  return `glimpse_bench_${what}_${randomBytes(6).toString('hex')}:`;
}

/** SCAN + UNLINK of every key under `prefix`; returns how many were removed. */
export async function deleteKeys(prefix) {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) removed += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

/**
 * Runs `steps` last-in first-out, once, whichever comes first: the end of the run, a failure,
 * or Ctrl-C. A step that fails is reported and the others still run.
 */
export function cleanupStack() {
  const steps = [];
  let running;
  const run = () =>
    (running ??= (async () => {
      for (const [label, step] of steps.reverse()) {
        try {
          const outcome = await step();
          if (typeof outcome === 'string') console.log(`cleanup: ${label}: ${outcome}`);
        } catch (err) {
          console.error(`cleanup: ${label} failed: ${String(err)}`);
        }
      }
    })());
  const onSignal = (signal) => {
    console.error(`\n${signal}: cleaning up`);
    void run().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    push: (label, step) => steps.push([label, step]),
    run,
  };
}

/** A caller of the running app's JSON API: the parsed body, or a throw for any answer but 2xx. */
export function jsonApi(baseUrl) {
  return async (path, init = {}) => {
    const response = await fetch(`${baseUrl}${path}`, init);
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
}

/** Signs `username` up through the API: its user id and an Authorization header. */
export async function signUp(api, username) {
  const signup = await api('/api/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, password: 'correct horse battery' }),
  });
  return { userId: signup.user.id, auth: { authorization: `Bearer ${signup.accessToken}` } };
}

export function loadAverage() {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** Header lines: cores, CPU, memory, Node, PostgreSQL and Redis versions. */
export async function describeMachine(pgUrl) {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const { rows } = await client.query('show server_version');
  const { rows: settings } = await client.query(
    "select name, setting, unit from pg_settings where name in ('shared_buffers', 'max_connections')",
  );
  await client.end();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const info = await redis.info('server');
  redis.disconnect();
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  const pgSettings = settings.map((s) => `${s.name}=${s.setting}${s.unit ?? ''}`).join(', ');
  return [
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `load average now ${loadAverage()} (other processes share these cores: figures vary from run to run)`,
    `node ${process.version}, PostgreSQL ${rows[0].server_version} (${pgSettings}), Redis ${redisVersion}`,
  ];
}

/**
 * Drives `paths` on `url` from a worker thread: `concurrency` loops for `seconds`. Returns the
 * requests completed, the time taken and the latency (ms) of every successful request.
 */
export function load({ url, paths, headers = {}, concurrency, seconds }) {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(new URL('./load.worker.mjs', import.meta.url), {
      workerData: { url, paths, headers, concurrency, seconds },
    });
    worker.once('message', resolvePromise);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}

/** Requests per second over all `runs` together, the per-run range, and pooled percentiles. */
export function combine(runs) {
  const requests = runs.reduce((n, run) => n + run.count, 0);
  const seconds = runs.reduce((n, run) => n + run.elapsedMs, 0) / 1000;
  const latencies = new Float64Array(requests);
  let offset = 0;
  for (const run of runs) {
    latencies.set(run.latencies, offset);
    offset += run.count;
  }
  latencies.sort();
  const rates = runs.map((run) => run.count / (run.elapsedMs / 1000));
  return {
    requests,
    rps: requests / seconds,
    cpuPerRequest: runs.reduce((n, run) => n + (run.cpuMs ?? NaN), 0) / requests,
    minRps: Math.min(...rates),
    maxRps: Math.max(...rates),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
