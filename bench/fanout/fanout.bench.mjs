#!/usr/bin/env node
/**
 * Fanout write throughput on the real PostgreSQL and Redis, in one run:
 * - the system: an author with 10,000 followers (below FANOUT_FOLLOWER_THRESHOLD, so pushed to
 *   all), each follower with a feed in Redis; a photo uploaded and a post created through the
 *   HTTP API, published, post.published carried by the outbox relay and the in-process bus to
 *   the fanout worker, which pages the followers from PostgreSQL and pushes the post into every
 *   feed. Measured: deliveries/s (10,000 / time from the event to fanout_deliveries_total
 *   moving) and publish-to-visible (create-post response to ZSCORE finding the post in the
 *   feed of the follower served last). Three publishes; each and the median.
 * - the raw limit: one member ZADDed into the same 10,000 sorted sets from a plain ioredis
 *   client, pipelines of 1000; the same with the cache's "only if it exists, then trim" Lua
 *   script; and RedisCache.zAddToExisting, the call the fanout makes, over all 10,000 keys.
 *
 *   npm run build:server && node bench/fanout/fanout.bench.mjs
 *
 * Environment: BENCH_FOLLOWERS (10000), BENCH_PUBLISHES (3), BENCH_FEED_ENTRIES (entries
 * already in each feed, 50), BENCH_OUTBOX_POLL_MS (OUTBOX_POLL_INTERVAL_MS, default the
 * server's 250), BENCH_POSTGRES_URL, BENCH_REDIS_URL, GLIMPSE_SERVER_DIST (as the feed bench).
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  benchKeyPrefix,
  cleanupStack,
  createBenchDatabase,
  deleteKeys,
  describeMachine,
  dist,
  jsonApi,
  loadAverage,
  pg,
  Redis,
  REDIS_URL,
  repo,
  server,
  signUp,
} from '../feed/support.mjs';

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 10_000);
const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 3);
const FEED_ENTRIES = Number(process.env.BENCH_FEED_ENTRIES ?? 50);
const OUTBOX_POLL_MS = process.env.BENCH_OUTBOX_POLL_MS;
const THRESHOLD = 20_000;
const FEED_MAX_ITEMS = 800;
const POOL_MAX = 10;
const JWT_SECRET = 'bench-fanout-secret-long-enough-for-hs256-0123456789';

const { startApplication } = await server('app/application.js');
const { loadConfig } = await server('platform/config/config.js');
const { IdGenerator } = await server('platform/ids/snowflake.js');
const { RedisCache } = await server('platform/cache/redis.cache.js');
// Followers per page, as the fanout worker reads them and pushes to them (one pipeline a page).
const { FANOUT_PAGE_SIZE: BATCH } = await server('services/feed/feed.settings.js');
const sharp = createRequire(resolve(repo, 'apps/server/package.json'))('sharp');

const started = performance.now();
const cleanup = cleanupStack();
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The cache's Lua script, read from the compiled adapter so that it is the one the fanout runs. */
async function zaddToExistingScript() {
  const source = await readFile(resolve(dist, 'platform/cache/redis.cache.js'), 'utf8');
  const script = /ZADD_TO_EXISTING_SCRIPT = `([^`]*)`/.exec(source)?.[1];
  if (!script) throw new Error('ZADD_TO_EXISTING_SCRIPT not found in the compiled redis.cache.js');
  return script;
}

async function seedFollowers(pool, authorId) {
  const userIds = new IdGenerator(2);
  const followIds = new IdGenerator(3);
  const followers = Array.from({ length: FOLLOWERS }, () => userIds.next());
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into users.profiles (user_id, username, display_name, following_count)
       select id, 'follower_' || n, 'Follower ' || n, 1 from unnest($1::bigint[]) with ordinality as u(id, n)`,
      [followers],
    );
    await client.query(
      `insert into users.follows (id, follower_id, followee_id)
       select * from unnest($1::bigint[], $2::bigint[], array_fill($3::bigint, array[$4::int]))`,
      [followers.map(() => followIds.next()), followers, authorId, FOLLOWERS],
    );
    await client.query('update users.profiles set follower_count = $2 where user_id = $1', [
      authorId,
      FOLLOWERS,
    ]);
    await client.query('commit');
    await client.query('vacuum analyze');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return followers;
}

/** Every follower's feed exists (read lately), holding FEED_ENTRIES older posts. */
async function seedFeeds(redis, followers) {
  const ids = new IdGenerator(6, () => Date.now() - 24 * 3600 * 1000);
  const old = Array.from({ length: FEED_ENTRIES }, () => ids.next()).flatMap((id) => [Number(id), id]);
  for (let start = 0; start < followers.length; start += BATCH) {
    const pipeline = redis.pipeline();
    for (const follower of followers.slice(start, start + BATCH)) {
      pipeline.zadd(`feed:${follower}`, ...old).pexpire(`feed:${follower}`, 7 * 24 * 3600 * 1000);
    }
    await pipeline.exec();
  }
}

/** `push` over `keys`, BATCH keys per call, one call after the other; the deliveries in all. */
async function inBatches(keys, push) {
  let delivered = 0;
  for (let start = 0; start < keys.length; start += BATCH) {
    delivered += await push(keys.slice(start, start + BATCH));
  }
  return delivered;
}

async function main() {
  const database = await createBenchDatabase();
  cleanup.push(`drop database ${database.name}`, async () => {
    await database.drop();
    return 'dropped';
  });
  const prefix = benchKeyPrefix('fanout');
  cleanup.push(`delete Redis keys ${prefix}*`, async () => `${await deleteKeys(prefix)} keys deleted`);
  const dataDir = await mkdtemp(join(tmpdir(), 'glimpse-bench-fanout-'));
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
    FEED_MAX_ITEMS: String(FEED_MAX_ITEMS),
    RATE_LIMIT_MULTIPLIER: '1000',
    WORKER_ID: '1',
    ...(OUTBOX_POLL_MS && { OUTBOX_POLL_INTERVAL_MS: OUTBOX_POLL_MS }),
  };
  const config = loadConfig(env);
  console.log(
    `server: embedded shape (every role in this process), in-process event bus, DATABASE_POOL_MAX=${POOL_MAX}, ` +
      `FANOUT_FOLLOWER_THRESHOLD=${THRESHOLD}, FEED_MAX_ITEMS=${FEED_MAX_ITEMS}, ` +
      `OUTBOX_POLL_INTERVAL_MS=${config.outbox.pollIntervalMs}, LOG_LEVEL=warn; fanout pages ${BATCH} followers ` +
      `per PostgreSQL query and per Redis pipeline`,
  );
  console.log(`database ${database.name}, Redis prefix ${prefix}`);

  const app = await startApplication(config);
  cleanup.push('stop the server', () => app.close());
  const api = jsonApi(app.url);
  const { userId: authorId, auth } = await signUp(api, 'author');

  const pool = new pg.Pool({ connectionString: database.url, max: POOL_MAX });
  cleanup.push('close the pg pool', () => pool.end());
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1 });
  cleanup.push('close the Redis client', () => redis.quit());

  const seedStarted = performance.now();
  const followers = await seedFollowers(pool, authorId);
  await seedFeeds(redis, followers);
  const feedKeys = followers.map((id) => `feed:${id}`);
  // The fanout pages followers newest follow first: the oldest follow is served last.
  const { rows } = await pool.query(
    'select follower_id from users.follows where followee_id = $1 order by id asc limit 1',
    [authorId],
  );
  const lastFeed = `feed:${rows[0].follower_id}`;
  console.log(
    `data: author with ${FOLLOWERS} followers (seeded by SQL), each with an existing feed of ${FEED_ENTRIES} ` +
      `entries (ZADD); ${fmt(performance.now() - seedStarted)} ms`,
  );

  // What the bus delivers, seen by a consumer group of the bench's own beside the fanout's.
  const waiting = new Map();
  const arrival = (key) => {
    let entry = waiting.get(key);
    if (!entry) {
      let settle;
      entry = { promise: new Promise((r) => (settle = r)), settle };
      waiting.set(key, entry);
    }
    return entry;
  };
  const subscription = await app.infrastructure.bus.subscribe({
    group: 'bench-fanout',
    topics: ['post.published', 'media.ready', 'media.failed'],
    handler: async (event) => {
      const at = performance.now();
      const key = event.type === 'post.published' ? event.payload.postId : event.payload.mediaId;
      arrival(key).settle({ event, at });
    },
  });
  cleanup.push('unsubscribe', () => subscription.close());

  const deliveries = async () => (await app.metrics.fanoutDeliveriesTotal.get()).values[0]?.value ?? 0;
  const lagSum = async () =>
    (await app.metrics.fanoutLagSeconds.get()).values.find((v) => v.metricName === 'fanout_lag_seconds_sum')
      ?.value ?? 0;
  const photo = await sharp({
    create: { width: 320, height: 320, channels: 3, background: { r: 200, g: 120, b: 40 } },
  })
    .jpeg()
    .toBuffer();

  /** One photo uploaded (and processed), one post created; the fanout it causes, timed. */
  async function publish(caption) {
    const media = await api('/api/media', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'image/jpeg' },
      body: photo,
    });
    const ready = await arrival(media.id).promise;
    if (ready.event.type !== 'media.ready') throw new Error(`photo ${media.id} failed to process`);

    const [deliveredBefore, lagBefore] = [await deliveries(), await lagSum()];
    const sent = performance.now();
    const post = await api('/api/posts', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ caption, mediaIds: [media.id] }),
    });
    const created = performance.now();
    if (post.status !== 'published') throw new Error(`post ${post.id} is ${post.status}, not published`);

    // Polled every millisecond or so: the counter (in process), and the last feed (ZSCORE).
    let done;
    let visible;
    const deadline = created + 60_000;
    while ((done === undefined || visible === undefined) && performance.now() < deadline) {
      if (done === undefined && (await deliveries()) >= deliveredBefore + FOLLOWERS) done = performance.now();
      if (visible === undefined && (await redis.zscore(lastFeed, post.id)) !== null)
        visible = performance.now();
      await sleep(1);
    }
    if (done === undefined || visible === undefined)
      throw new Error(`post ${post.id}: fanout not done in 60 s`);
    const { at: received } = await arrival(post.id).promise;
    const delivered = (await deliveries()) - deliveredBefore;
    return {
      delivered,
      createMs: created - sent,
      relayMs: received - created,
      fanoutMs: done - received,
      rate: delivered / ((done - received) / 1000),
      visibleMs: visible - created,
      appLagMs: ((await lagSum()) - lagBefore) * 1000,
    };
  }

  // The raw limit, on the same feeds.
  const script = await zaddToExistingScript();
  redis.defineCommand('benchZAddToExisting', { numberOfKeys: 1, lua: script });
  const cache = await RedisCache.connect({ url: REDIS_URL, keyPrefix: prefix });
  cleanup.push('close the RedisCache', () => cache.close());
  const memberIds = new IdGenerator(7);
  const stop = String(-(FEED_MAX_ITEMS + 1));
  const variants = [
    {
      label: 'ZADD, pipelines of 1000 (ioredis)',
      push: (id) =>
        inBatches(feedKeys, async (keys) => {
          const pipeline = redis.pipeline();
          for (const key of keys) pipeline.zadd(key, Number(id), id);
          await pipeline.exec();
          return keys.length;
        }),
    },
    {
      label: 'Lua "if exists: ZADD + trim", pipelines of 1000',
      push: (id) =>
        inBatches(feedKeys, async (keys) => {
          const pipeline = redis.pipeline();
          for (const key of keys) pipeline.benchZAddToExisting(key, String(Number(id)), id, stop);
          const replies = await pipeline.exec();
          return replies.reduce((n, [error, reply]) => (error ? n : n + Number(reply)), 0);
        }),
    },
    {
      // The very call the fanout makes per page, here given all the keys (it chunks them itself).
      label: 'RedisCache.zAddToExisting (the adapter)',
      push: (id) => cache.zAddToExisting(feedKeys, { member: id, score: Number(id) }, FEED_MAX_ITEMS),
    },
  ];
  async function rawRun({ label, push }) {
    const t0 = performance.now();
    const delivered = await push(memberIds.next());
    const ms = performance.now() - t0;
    if (delivered !== FOLLOWERS) throw new Error(`${label}: ${delivered} deliveries, expected ${FOLLOWERS}`);
    return delivered / (ms / 1000);
  }
  // The fanout's other half: the pages of follower ids it reads from PostgreSQL, as
  // listFollowerIds queries them (1001 rows a page, on follows_followee_idx).
  async function followerPages() {
    const t0 = performance.now();
    let before;
    for (;;) {
      const { rows: page } = await pool.query(
        `select id, follower_id from users.follows where followee_id = $1 ${before ? 'and id < $3' : ''}
         order by id desc limit $2`,
        before ? [authorId, BATCH + 1, before] : [authorId, BATCH + 1],
      );
      if (page.length <= BATCH) break;
      before = page[BATCH - 1].id;
    }
    return performance.now() - t0;
  }

  const describe = (p) =>
    `POST /api/posts ${fmt(p.createMs, 1)} ms; on the bus ${fmt(p.relayMs, 1)} ms later; ` +
    `fanout of ${p.delivered} feeds in ${fmt(p.fanoutMs, 1)} ms = ${fmt(p.rate)} deliveries/s; ` +
    `in the last follower's feed ${fmt(p.visibleMs, 1)} ms after the response ` +
    `(app's fanout_lag_seconds: ${fmt(p.appLagMs, 1)} ms)`;
  // Once unmeasured, so that the rounds compare warm code (JIT, connections, PostgreSQL's cache).
  console.log('\nwarm-up:');
  console.log(`  publish: ${describe(await publish('Fanout bench warm-up'))}`);
  for (const variant of variants) await rawRun(variant);
  await followerPages();

  // Round after round, the system and then the raw limit, so that the load of neighbours on
  // this shared machine falls on both alike.
  const publishes = [];
  const raw = variants.map(() => []);
  const pageTimes = [];
  for (let n = 1; n <= PUBLISHES; n++) {
    console.log(`round ${n}:`);
    const result = await publish(`Fanout bench ${n}`);
    publishes.push({ n, ...result });
    console.log(`  publish: ${describe(result)}`);
    for (const [index, variant] of variants.entries()) {
      const rate = await rawRun(variant);
      raw[index].push(rate);
      console.log(`  raw: ${variant.label.padEnd(48)} ${fmt(rate).padStart(7)} deliveries/s`);
    }
    const pagesMs = await followerPages();
    pageTimes.push(pagesMs);
    console.log(
      `  raw: the fanout's follower pages alone (pg, ${FOLLOWERS / BATCH} queries of ${BATCH + 1} rows) ${fmt(pagesMs, 1)} ms`,
    );
  }

  const fanoutRate = median(publishes.map((p) => p.rate));
  const column = (values, digits) => values.map((v) => fmt(v, digits).padStart(8)).join(' ');
  console.log(`\nsummary (${PUBLISHES} rounds; load average now ${loadAverage()}):`);
  console.log(
    `                                                       ${column(publishes.map((p) => p.n))}    median`,
  );
  const line = (label, values, digits = 0) =>
    console.log(
      `  ${label.padEnd(52)} ${column(values, digits)}  ${fmt(median(values), digits).padStart(8)}`,
    );
  line(
    'fanout deliveries/s (event -> last feed written)',
    publishes.map((p) => p.rate),
  );
  line(
    'fanout ms for the 10,000 feeds',
    publishes.map((p) => p.fanoutMs),
    1,
  );
  line(
    'publish-to-visible ms (response -> last feed)',
    publishes.map((p) => p.visibleMs),
    1,
  );
  line(
    '  of which: outbox relay + bus (response -> event)',
    publishes.map((p) => p.relayMs),
    1,
  );
  for (const [index, variant] of variants.entries()) line(`raw: ${variant.label}`, raw[index]);
  line('raw: follower pages from pg alone, ms', pageTimes, 1);
  console.log('  fanout deliveries/s as a share of the raw limit (medians):');
  for (const [index, variant] of variants.entries()) {
    console.log(`    fanout / ${variant.label.padEnd(48)} ${fmt(fanoutRate / median(raw[index]), 2)}`);
  }
}

try {
  await main();
} catch (err) {
  console.error(`\nfanout bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup.run();
  console.log(`total ${fmt((performance.now() - started) / 1000, 1)} s`);
}
