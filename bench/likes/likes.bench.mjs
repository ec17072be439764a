#!/usr/bin/env node
/**
 * Like throughput and latency on real PostgreSQL + Redis, in one run:
 * (a) many users liking ONE hot post through the HTTP API (PUT /api/posts/:id/like),
 * (b) the same users spread over many posts through the HTTP API,
 * (c) the raw PostgreSQL limit: a bare pg pool running the transaction the likes repository
 *     runs (like_dedup insert ... on conflict do nothing returning, outbox insert, like_events
 *     insert), in both shapes, at the same client concurrency and the same pool size.
 * Every request is a first like (a real insert). After (a), the hot post's likeCount read back
 * through GET /api/posts/:id must equal the number of successful likes.
 *
 *   npm run build:server && node bench/likes/likes.bench.mjs
 *
 * Environment: BENCH_USERS (default 20000), BENCH_POSTS (spread posts, default 1000),
 * BENCH_CONCURRENCY (concurrent request loops, default 64), BENCH_SECONDS (per scenario,
 * default 8), DATABASE_URL (admin URL of the server to create the temporary database on,
 * default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default
 * redis://127.0.0.1:6379), DATABASE_POOL_MAX (app and raw pool, default 10),
 * GLIMPSE_SERVER_DIST (default apps/server/dist).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = resolve(repo, process.env.GLIMPSE_SERVER_DIST ?? 'apps/server/dist');
// pg and ioredis are dependencies of apps/server: resolve them from there, as the server does.
const serverRequire = createRequire(resolve(repo, 'apps/server/package.json'));
const pg = serverRequire('pg');
const { Redis } = serverRequire('ioredis');
const load = (path) => import(pathToFileURL(resolve(dist, path)).href);
const { startApplication } = await load('app/application.js');
const { loadConfig } = await load('platform/config/config.js');
const { AccessTokens } = await load('platform/security/access-tokens.js');
const { createTempDatabase } = await load('platform/sql/testing/temp-database.js');

const USERS = Number(process.env.BENCH_USERS ?? 20_000);
const POSTS = Number(process.env.BENCH_POSTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const POOL_MAX = Number(process.env.DATABASE_POOL_MAX ?? 10);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = `bench-likes-${randomBytes(24).toString('hex')}`;
const REDIS_KEY_PREFIX = `bench-likes-${randomBytes(6).toString('hex')}:`;

// Id layout of the seed (bigints, as strings). Posts: the API's hot post and spread posts, then
// the raw run's own hot post and spread posts, so the raw run inserts into the same tables
// without ever colliding with a like the API made.
const USER_BASE = 1_000_000n;
const POST_BASE = 5_000_000n;
const userId = (i) => String(USER_BASE + BigInt(i));
const API_HOT = String(POST_BASE);
const apiSpread = (i) => String(POST_BASE + 1n + BigInt(i));
const RAW_HOT = String(POST_BASE + 1n + BigInt(POSTS));
const rawSpread = (i) => String(POST_BASE + 2n + BigInt(POSTS) + BigInt(i));
const TOTAL_POSTS = 2 * POSTS + 2;

/**
 * Runs CONCURRENCY loops for SECONDS; loop iterations take request numbers 0, 1, 2... from a
 * shared counter (`limit` of them at most) and call `one(k)`, which resolves true on success.
 */
async function runLoad(label, limit, one) {
  const latencies = [];
  const failures = new Map();
  let next = 0;
  let ok = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline && next < limit) {
        const k = next++;
        const t = performance.now();
        let outcome;
        try {
          outcome = await one(k);
        } catch (err) {
          outcome = err instanceof Error ? err.message.slice(0, 80) : String(err);
        }
        latencies.push(performance.now() - t);
        if (outcome === true) ok++;
        else failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const result = {
    label,
    requests: latencies.length,
    ok,
    errors: latencies.length - ok,
    rate: ok / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    seconds,
    exhausted: next >= limit,
  };
  console.log(
    `  ${label.padEnd(34)} ${result.rate.toFixed(0).padStart(6)} likes/s  p50 ${result.p50.toFixed(1).padStart(6)} ms  ` +
      `p99 ${result.p99.toFixed(1).padStart(6)} ms  ok ${ok}  errors ${result.errors}  (${seconds.toFixed(1)} s)` +
      (result.exhausted ? '  [ran out of fresh (user, post) pairs: raise BENCH_USERS]' : ''),
  );
  for (const [reason, count] of failures) console.log(`      error x${count}: ${reason}`);
  return result;
}

/**
 * The k-th (user, post) pair of the spread shape: user k mod USERS, and for that user a new post
 * each round, so no pair repeats for USERS * POSTS requests and consecutive requests hit
 * different posts.
 */
function spreadPair(k) {
  const user = k % USERS;
  const round = Math.floor(k / USERS);
  return { user, post: (round + user) % POSTS };
}

async function seed(db) {
  await db.query(
    `insert into users.profiles (user_id, username, display_name)
     select $1::bigint + i, 'bench_' || i, 'Bench ' || i from generate_series(0, $2::int - 1) i`,
    [USER_BASE.toString(), USERS],
  );
  await db.query(
    `insert into media.media (id, owner_id, status, mime_type, bytes, width, height, variants)
     select $1::bigint + i, $2::bigint, 'ready', 'image/jpeg', 100000, 1080, 1080, '[]'
     from generate_series(0, $3::int - 1) i`,
    [(POST_BASE * 2n).toString(), USER_BASE.toString(), TOTAL_POSTS],
  );
  await db.query(
    `insert into posts.posts (id, author_id, caption, status, created_at, published_at)
     select $1::bigint + i, $2::bigint, 'bench post ' || i, 'published', now(), now()
     from generate_series(0, $3::int - 1) i`,
    [POST_BASE.toString(), USER_BASE.toString(), TOTAL_POSTS],
  );
  await db.query(
    `insert into posts.post_media (media_id, post_id, position)
     select $1::bigint + i, $2::bigint + i, 0 from generate_series(0, $3::int - 1) i`,
    [(POST_BASE * 2n).toString(), POST_BASE.toString(), TOTAL_POSTS],
  );
  await db.query(
    `insert into users.author_posts (author_id, post_id)
     select $1::bigint, $2::bigint + i from generate_series(0, $3::int - 1) i`,
    [USER_BASE.toString(), POST_BASE.toString(), TOTAL_POSTS],
  );
  await db.query(`update users.profiles set post_count = $2 where user_id = $1`, [
    USER_BASE.toString(),
    TOTAL_POSTS,
  ]);
  await db.query('analyze');
}

/** The repository's like transaction (SqlLikesRepository.like), statement for statement. */
function rawLiker(pool) {
  let seq = 0n;
  const epoch = BigInt(Date.now()) << 22n;
  return async (user, post) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const createdAt = new Date();
      const inserted = await client.query(
        `insert into "likes"."like_dedup" ("user_id", "post_id", "created_at") values ($1, $2, $3)
         on conflict ("user_id", "post_id") do nothing returning "post_id"`,
        [user, post, createdAt],
      );
      if (inserted.rowCount === 1) {
        const id = String(epoch + seq++);
        const payload = {
          userId: user,
          postId: post,
          postAuthorId: USER_BASE.toString(),
          createdAt: createdAt.toISOString(),
        };
        await client.query(
          `insert into outbox.events (id, topic, key, payload, traceparent, occurred_at)
           values ($1, $2, $3, $4, $5, $6)`,
          [id, 'like.created', post, JSON.stringify(payload), null, createdAt],
        );
        await client.query(
          `insert into "likes"."like_events" ("id", "user_id", "post_id", "action", "created_at")
           values ($1, $2, $3, $4, $5)`,
          [id, user, post, 'like', createdAt],
        );
      }
      await client.query('commit');
      return inserted.rowCount === 1 ? true : 'already liked';
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
}

const t0 = performance.now();
console.log(
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
);
console.log(
  `setup: ${USERS} users, hot post + ${POSTS} spread posts, ${CONCURRENCY} concurrent loops, ${SECONDS} s per scenario, ` +
    `pool max ${POOL_MAX} (app and raw), Redis prefix ${REDIS_KEY_PREFIX}`,
);

const cleanups = [];
let exitCode = 0;
try {
  const temp = await createTempDatabase();
  cleanups.unshift(() => temp.drop());
  const app = await startApplication(
    loadConfig({
      NODE_ENV: 'production',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: temp.url,
      DATABASE_POOL_MAX: String(POOL_MAX),
      REDIS_URL,
      REDIS_KEY_PREFIX,
      RATE_LIMIT_MULTIPLIER: '100000',
      JWT_SECRET,
    }),
  );
  cleanups.unshift(() => app.close());
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  cleanups.push(async () => {
    // After app.close(): the app writes no more keys. SCAN + DEL only our prefix.
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${REDIS_KEY_PREFIX}*`, count: 1000 })) {
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
    await redis.quit();
    console.log(`cleanup: ${deleted} Redis keys deleted, temporary database dropped`);
  });
  const db = new pg.Pool({ connectionString: temp.url, max: POOL_MAX });
  cleanups.unshift(() => db.end());

  let t = performance.now();
  await seed(db);
  const tokens = new AccessTokens({ secret: JWT_SECRET, ttlSeconds: 3600 });
  const auth = await Promise.all(
    Array.from({ length: USERS }, async (_, i) => {
      const { token } = await tokens.sign({ userId: userId(i), username: `bench_${i}` });
      return `Bearer ${token}`;
    }),
  );
  console.log(`seeded and minted ${USERS} tokens in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const like = async (user, post) => {
    const response = await fetch(`${app.url}/api/posts/${post}/like`, {
      method: 'PUT',
      headers: { authorization: auth[user] },
    });
    const body = await response.json();
    if (response.status !== 200) return `HTTP ${response.status} ${body?.error?.code ?? ''}`.trim();
    return body.liked === true ? true : `unexpected body ${JSON.stringify(body).slice(0, 60)}`;
  };
  const getPost = async (post) => {
    const response = await fetch(`${app.url}/api/posts/${post}`, { headers: { authorization: auth[0] } });
    if (response.status !== 200)
      throw new Error(`GET /api/posts/${post}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  await getPost(API_HOT); // the seed is visible through the API

  // Warm-up (JIT, keep-alive sockets, pool connections), on spread posts from the far end of
  // the spread pair sequence so the measured runs never meet these pairs.
  const warm = USERS * POSTS - 1;
  t = performance.now();
  let warmed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, loop) => {
      for (let j = 0; j < 8; j++) {
        const { user, post } = spreadPair(warm - (loop * 8 + j));
        if ((await like(user, apiSpread(post))) === true) warmed++;
      }
    }),
  );
  console.log(`warm-up: ${warmed} likes in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  console.log('\nthrough the HTTP API (PUT /api/posts/:id/like, PostgreSQL + Redis + outbox relay):');
  const apiHot = await runLoad('(a) hot post, distinct users', USERS, (k) => like(k, API_HOT));
  const hot = await getPost(API_HOT);
  const [{ count: dedupCount }] = (
    await db.query('select count(*)::int as count from likes.like_dedup where post_id = $1', [API_HOT])
  ).rows;
  const countedOnce = Number(hot.likeCount) === apiHot.ok && dedupCount === apiHot.ok;
  console.log(
    `      counted once: GET likeCount ${hot.likeCount}, like_dedup rows ${dedupCount}, successful likes ${apiHot.ok} -> ` +
      (countedOnce ? 'OK' : 'MISMATCH'),
  );
  if (!countedOnce) exitCode = 1;
  const apiSpreadRun = await runLoad(`(b) spread over ${POSTS} posts`, warm - CONCURRENCY * 8, (k) => {
    const { user, post } = spreadPair(k);
    return like(user, apiSpread(post));
  });

  console.log(
    `\nraw PostgreSQL (pg pool max ${POOL_MAX}, BEGIN; like_dedup; outbox.events; like_events; COMMIT):`,
  );
  const raw = rawLiker(db);
  const rawHot = await runLoad('(c) raw, hot post', USERS, (k) => raw(userId(k), RAW_HOT));
  const rawSpreadRun = await runLoad(`(c) raw, spread over ${POSTS} posts`, USERS * POSTS, (k) => {
    const { user, post } = spreadPair(k);
    return raw(userId(user), rawSpread(post));
  });

  console.log('\nsummary (likes/s; ratio = API / raw PostgreSQL, same shape):');
  console.log('  shape  |   API/s | API p50 | API p99 |   raw/s | raw p50 | raw p99 | ratio');
  for (const [shape, api, r] of [
    ['hot', apiHot, rawHot],
    ['spread', apiSpreadRun, rawSpreadRun],
  ]) {
    console.log(
      `  ${shape.padEnd(6)} | ${api.rate.toFixed(0).padStart(7)} | ${api.p50.toFixed(1).padStart(7)} | ${api.p99.toFixed(1).padStart(7)} | ` +
        `${r.rate.toFixed(0).padStart(7)} | ${r.p50.toFixed(1).padStart(7)} | ${r.p99.toFixed(1).padStart(7)} | ${(api.rate / r.rate).toFixed(2)}`,
    );
  }
  console.log(`  hot / spread through the API: ${(apiHot.rate / apiSpreadRun.rate).toFixed(2)}`);
  if ([apiHot, apiSpreadRun, rawHot, rawSpreadRun].some((r) => r.errors > 0)) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (err) {
      console.error('cleanup failed:', err);
      exitCode = 1;
    }
  }
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
process.exit(exitCode);
