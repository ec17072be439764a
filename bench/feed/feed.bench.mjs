#!/usr/bin/env node
/**
 * Home feed read throughput, three ways in one run, on the real PostgreSQL and Redis:
 * (a) GET /api/feed?limit=20 through the running server (first page, then cursor pages);
 * (b) the raw limit: the same storage work per request with plain pg/ioredis on node:http;
 * (c) the naive pull: the page computed by PostgreSQL on every request (follows x posts).
 * Prints requests/s, p50 and p99 of each, and the ratios API/raw and API/pull.
 *
 *   npm run build:server && node bench/feed/feed.bench.mjs
 *
 * Each of the six measurements (two kinds of page, three servers) is BENCH_SECONDS split into
 * BENCH_ROUNDS rounds, taking turns, so that a neighbour's load on this shared machine falls on
 * all of them alike rather than on whichever ran at that moment.
 *
 * Environment: BENCH_SECONDS (per measurement, default 10), BENCH_ROUNDS (3),
 * BENCH_WARMUP_SECONDS (2), BENCH_CONCURRENCY (32), BENCH_AUTHORS (300), BENCH_CELEBRITIES (5),
 * BENCH_POSTS (2000), BENCH_OTHER_POSTS (posts by users the reader does not follow, 0),
 * BENCH_THRESHOLD (FANOUT_FOLLOWER_THRESHOLD, 50), BENCH_PAGES (cursor pages walked, 10),
 * BENCH_POSTGRES_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379), GLIMPSE_SERVER_DIST (apps/server/dist).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pullFeedHandler, PULL_FIRST_PAGE } from './pull.server.mjs';
import { rawFeedHandler, startFeedServer } from './raw.server.mjs';
import { seedFeed } from './seed.mjs';
import {
  benchKeyPrefix,
  cleanupStack,
  combine,
  createBenchDatabase,
  deleteKeys,
  describeMachine,
  jsonApi,
  load,
  loadAverage,
  pg,
  Redis,
  REDIS_URL,
  server,
  signUp,
} from './support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const AUTHORS = Number(process.env.BENCH_AUTHORS ?? 300);
const CELEBRITIES = Number(process.env.BENCH_CELEBRITIES ?? 5);
const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
const OTHER_POSTS = Number(process.env.BENCH_OTHER_POSTS ?? 0);
const THRESHOLD = Number(process.env.BENCH_THRESHOLD ?? 50);
const PAGES = Number(process.env.BENCH_PAGES ?? 10);
const LIMIT = 20;
const POOL_MAX = 10;
const JWT_SECRET = 'bench-feed-secret-long-enough-for-hs256-0123456789';

const { startApplication } = await server('app/application.js');
const { loadConfig } = await server('platform/config/config.js');
const { IdGenerator } = await server('platform/ids/snowflake.js');
// As many recent posts per author as the fanout worker keeps in posts:{id}.
const { AUTHOR_POSTS_KEEP } = await server('services/feed/feed.settings.js');

const started = performance.now();
const cleanup = cleanupStack();
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function main() {
  const database = await createBenchDatabase();
  cleanup.push(`drop database ${database.name}`, async () => {
    await database.drop();
    return 'dropped';
  });
  const prefix = benchKeyPrefix('feed');
  cleanup.push(`delete Redis keys ${prefix}*`, async () => `${await deleteKeys(prefix)} keys deleted`);
  const dataDir = await mkdtemp(join(tmpdir(), 'glimpse-bench-feed-'));
  cleanup.push('remove data dir', () => rm(dataDir, { recursive: true, force: true }));

  for (const line of await describeMachine(database.url)) console.log(line);
  const env = {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: String(POOL_MAX),
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET,
    FANOUT_FOLLOWER_THRESHOLD: String(THRESHOLD),
    // Every request still goes through the limiter (two Redis calls); none is refused.
    RATE_LIMIT_MULTIPLIER: '1000000',
    WORKER_ID: '1',
  };
  console.log(
    `server: embedded shape (every role in this process), in-process event bus, ` +
      `DATABASE_POOL_MAX=${POOL_MAX}, FANOUT_FOLLOWER_THRESHOLD=${THRESHOLD}, FEED_MAX_ITEMS=800 (default), ` +
      `RATE_LIMIT_MULTIPLIER=1e6, LOG_LEVEL=warn`,
  );
  console.log(
    `load: ${CONCURRENCY} concurrent keep-alive loops (node:http, worker thread), ` +
      `${SECONDS} s per measurement in ${ROUNDS} interleaved rounds after ${WARMUP_SECONDS} s of warm-up; ` +
      `raw and pull: pg pool ${POOL_MAX}, one ioredis connection`,
  );
  console.log(`database ${database.name}, Redis prefix ${prefix}`);

  const app = await startApplication(loadConfig(env));
  cleanup.push('stop the server', () => app.close());
  const api = jsonApi(app.url);
  const { userId: readerId, auth } = await signUp(api, 'reader');

  const pool = new pg.Pool({ connectionString: database.url, max: POOL_MAX });
  cleanup.push('close the pg pool', () => pool.end());
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1 });
  cleanup.push('close the Redis client', () => redis.quit());

  const seedStarted = performance.now();
  const seeded = await seedFeed(pool, {
    IdGenerator,
    readerId,
    authors: AUTHORS,
    celebrities: CELEBRITIES,
    posts: POSTS,
    otherPosts: OTHER_POSTS,
    threshold: THRESHOLD,
  });
  // Each celebrity's recent posts, as the fanout worker keeps them in posts:{id} when they post.
  const lists = redis.pipeline();
  for (const celebrity of seeded.celebrities) {
    const recent = celebrity.postIds.slice(-AUTHOR_POSTS_KEEP);
    if (recent.length > 0) lists.zadd(`posts:${celebrity.id}`, ...recent.flatMap((id) => [Number(id), id]));
  }
  await lists.exec();
  console.log(
    `data: reader follows ${seeded.authors} authors, ${seeded.celebrities.length} of them celebrities ` +
      `(followers ${seeded.celebrities.map((c) => c.followers).join('/')} > ${THRESHOLD}, ${seeded.celebrityPosts} posts, ` +
      `merged at read time from posts:{id}); ${seeded.posts} published posts with one ready photo each over 7 days; ` +
      `${seeded.fans} extra users (the celebrities' followers) with ${seeded.otherPosts} posts of their own; seeded by SQL in ${fmt(performance.now() - seedStarted)} ms`,
  );

  // The first read finds no feed and rebuilds it from PostgreSQL (the non-celebrities' posts).
  const firstRead = performance.now();
  const first = await api(`/api/feed?limit=${LIMIT}`, { headers: auth });
  const firstReadMs = performance.now() - firstRead;
  const feedSize = (await redis.zcard(`feed:${readerId}`)) - 1; // less the built marker
  console.log(
    `first GET /api/feed (feed rebuilt from PostgreSQL): ${fmt(firstReadMs, 1)} ms, feed:{reader} holds ${feedSize} post ids`,
  );

  // Walk the pages once: their cursors (the API's opaque ones, and the id each stands for),
  // and every post on them in the post cache, as a reader scrolling would leave it.
  const pages = [first];
  while (pages.length < PAGES && pages.at(-1).nextCursor) {
    const cursor = pages.at(-1).nextCursor;
    pages.push(await api(`/api/feed?limit=${LIMIT}&cursor=${encodeURIComponent(cursor)}`, { headers: auth }));
  }
  if (pages.length < 2 || pages.some((page) => page.items.length !== LIMIT)) {
    throw new Error(`expected ${PAGES} full pages, got ${pages.map((p) => p.items.length).join(',')}`);
  }
  const apiCursorPaths = pages
    .slice(1)
    .map((_, i) => `/api/feed?limit=${LIMIT}&cursor=${encodeURIComponent(pages[i].nextCursor)}`);
  const beforeIds = pages.slice(1).map((_, i) => pages[i].items.at(-1).id);

  const mediaBaseUrl = '/media';
  const raw = await startFeedServer(rawFeedHandler({ redis, pool, threshold: THRESHOLD, mediaBaseUrl }));
  cleanup.push('stop the raw server', () => raw.close());
  const pull = await startFeedServer(pullFeedHandler({ pool, mediaBaseUrl }));
  cleanup.push('stop the pull server', () => pull.close());
  const plainFirst = `/feed?user=${readerId}&limit=${LIMIT}`;
  const plainCursorPaths = beforeIds.map((id) => `${plainFirst}&before=${id}`);

  // The three must serve the same pages, or the comparison means nothing: the same posts in
  // the same order (or the run stops), and, field by field, the same JSON (or it says where not).
  const idsOf = (page) => page.items.map((item) => item.id).join(',');
  const getJson = async (url) => (await fetch(url)).json();
  const differing = new Set();
  const compare = (label, page, reference) => {
    reference.items.forEach((item, i) => {
      const other = page.items[i] ?? {};
      for (const field of new Set([...Object.keys(item), ...Object.keys(other)])) {
        if (JSON.stringify(item[field]) !== JSON.stringify(other[field])) differing.add(`${label}.${field}`);
      }
    });
  };
  const checked = [0, Math.min(4, pages.length - 1)];
  for (const index of checked) {
    const path = index === 0 ? plainFirst : plainCursorPaths[index - 1];
    const [rawPage, pullPage] = await Promise.all([getJson(raw.url + path), getJson(pull.url + path)]);
    if (idsOf(rawPage) !== idsOf(pages[index]) || idsOf(pullPage) !== idsOf(pages[index])) {
      throw new Error(`page ${index + 1}: the raw or pull server disagrees with the API`);
    }
    compare('raw', rawPage, pages[index]);
    compare('pull', pullPage, pages[index]);
  }
  console.log(
    `check: API, raw and pull return the same posts on pages ${checked.map((i) => i + 1).join(' and ')}, ` +
      (differing.size === 0
        ? 'the same JSON'
        : `but these fields differ from the API's: ${[...differing].join(', ')}`),
  );
  const plan = await pool.query(`explain (analyze, format json) ${PULL_FIRST_PAGE}`, [readerId, LIMIT + 1]);
  const { read, time } = postsRead(plan.rows[0]['QUERY PLAN'][0]);
  console.log(
    `pull query, first page: ${fmt(time, 2)} ms in PostgreSQL, ${read} rows of posts.posts read for ${LIMIT + 1} (EXPLAIN ANALYZE)`,
  );

  // Six measurements (two kinds of page, three servers), interleaved: each takes a turn of
  // SECONDS / ROUNDS in every round, so that the load of neighbours on this shared machine,
  // and anything settling after the seeding, falls on all of them alike.
  const kinds = [
    { name: 'first page', apiPaths: [`/api/feed?limit=${LIMIT}`], plainPaths: [plainFirst] },
    { name: `cursor pages 2..${pages.length}`, apiPaths: apiCursorPaths, plainPaths: plainCursorPaths },
  ];
  const measurements = kinds.flatMap(({ name, apiPaths, plainPaths }) => [
    {
      name,
      server: 'api',
      label: '(a) GET /api/feed (the server)',
      url: app.url,
      paths: apiPaths,
      headers: auth,
    },
    {
      name,
      server: 'raw',
      label: '(b) raw: pg + ioredis on node:http',
      url: raw.url,
      paths: plainPaths,
      headers: {},
    },
    {
      name,
      server: 'pull',
      label: '(c) naive pull query on node:http',
      url: pull.url,
      paths: plainPaths,
      headers: {},
    },
  ]);
  const drive = async ({ label, url, paths, headers }, seconds) => {
    const cpu = process.threadCpuUsage();
    const run = await load({ url, paths, headers, concurrency: CONCURRENCY, seconds });
    // This thread runs the server under test (the load comes from a worker thread).
    const { user, system } = process.threadCpuUsage(cpu);
    run.cpuMs = (user + system) / 1000;
    if (run.failures > 0)
      throw new Error(`${label}: ${run.failures} failed requests, first: ${run.firstFailure}`);
    return run;
  };
  console.log(
    `\nwarm-up: ${WARMUP_SECONDS} s each; then ${ROUNDS} rounds of ${fmt(SECONDS / ROUNDS, 1)} s each`,
  );
  for (const measurement of measurements) await drive(measurement, WARMUP_SECONDS);
  const runs = measurements.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, measurement] of measurements.entries()) {
      runs[index].push(await drive(measurement, SECONDS / ROUNDS));
    }
  }
  const results = measurements.map((measurement, index) => ({ ...measurement, ...combine(runs[index]) }));

  const rows = [];
  for (const { name } of kinds) {
    console.log(`\n${name}:`);
    const [viaApi, viaRaw, viaPull] = ['api', 'raw', 'pull'].map((server) =>
      results.find((r) => r.name === name && r.server === server),
    );
    for (const result of [viaApi, viaRaw, viaPull]) {
      console.log(
        `  ${result.label.padEnd(34)} ${fmt(result.rps).padStart(6)} req/s ` +
          `(rounds ${fmt(result.minRps)}..${fmt(result.maxRps)})  p50 ${fmt(result.p50, 1).padStart(6)} ms  ` +
          `p99 ${fmt(result.p99, 1).padStart(6)} ms  server CPU ${fmt(result.cpuPerRequest, 2)} ms/req  ` +
          `(${result.requests} requests)`,
      );
    }
    console.log(
      `  ratio API/raw ${fmt(viaApi.rps / viaRaw.rps, 2)}, API/pull ${fmt(viaApi.rps / viaPull.rps, 2)} (req/s)`,
    );
    rows.push({ name, viaApi, viaRaw, viaPull });
  }

  console.log(
    `\nsummary (req/s, p50/p99 ms; ${CONCURRENCY} concurrent, ${SECONDS} s each; load average now ${loadAverage()}):`,
  );
  console.log(
    '  page               | server   |  req/s | p50 ms | p99 ms | server CPU ms/req | API req/s ÷ this',
  );
  for (const r of rows) {
    for (const [server, result] of [
      ['API (a)', r.viaApi],
      ['raw (b)', r.viaRaw],
      ['pull (c)', r.viaPull],
    ]) {
      console.log(
        `  ${(server === 'API (a)' ? r.name : '').padEnd(18)} | ${server.padEnd(8)} | ${fmt(result.rps).padStart(6)} | ` +
          `${fmt(result.p50, 1).padStart(6)} | ${fmt(result.p99, 1).padStart(6)} | ` +
          `${fmt(result.cpuPerRequest, 2).padStart(17)} | ${fmt(r.viaApi.rps / result.rps, 2).padStart(16)}`,
      );
    }
  }
}

/** Rows of posts.posts the plan read (returned or filtered out, over all loops), and its time. */
function postsRead(explained) {
  let read = 0;
  const walk = (node) => {
    if (node['Relation Name'] === 'posts') {
      read += (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(explained.Plan);
  return { read, time: explained['Execution Time'] };
}

try {
  await main();
} catch (err) {
  console.error(`\nfeed bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup.run();
  console.log(`total ${fmt((performance.now() - started) / 1000, 1)} s`);
}
