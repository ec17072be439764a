#!/usr/bin/env node
/**
 * The notification pipeline on the real PostgreSQL and Redis, beside the machine's raw limits,
 * in one run:
 * - spread: like.created events for BENCH_EVENTS different recipients (each on a post of its
 *   own) handled by NotificationConsumer.handle, BENCH_CONCURRENCY at a time, for BENCH_SECONDS
 *   at most -> events/s and p50/p99 per event; beside as many single-row autocommit
 *   `insert ... on conflict do nothing` on a bare pg pool (one transaction per event: the floor).
 * - hot recipient: as many likes (BENCH_EVENTS, BENCH_SECONDS at most) by distinct users of ONE
 *   post of ONE recipient (all one grouped notification, every write behind the recipient's seq
 *   row lock); beside as many `update ... set n = n + 1` of one row (the floor of a serialised
 *   hot row).
 * - redelivery: the spread batch delivered again: duplicates that change nothing.
 * - wake-up: from a change's record() resolving (committed, announced) to a subscriber of the
 *   recipient's channel, on a pub/sub connection of its own as a gateway has, hearing it; beside
 *   the same through the RedisPubSub adapter alone, and a plain ioredis PUBLISH -> 'message'.
 * Each throughput scenario runs BENCH_ROUNDS times, the system and its floor one after the
 * other, and the medians are compared.
 *
 *   npm run build:server && node bench/notifications/notifications.bench.mjs
 *
 * Environment: BENCH_EVENTS (10000), BENCH_SECONDS (8), BENCH_CONCURRENCY (16), BENCH_ROUNDS
 * (3), BENCH_WAKEUPS (1000), BENCH_POSTGRES_URL, BENCH_REDIS_URL, GLIMPSE_SERVER_DIST (as the feed
 * bench).
 */
import {
  benchKeyPrefix,
  cleanupStack,
  createBenchDatabase,
  deleteKeys,
  describeMachine,
  loadAverage,
  pg,
  Redis,
  REDIS_URL,
  server,
} from '../feed/support.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WAKEUPS = Number(process.env.BENCH_WAKEUPS ?? 1000);
const WARMUP_EVENTS = 500;
const POOL_MAX = 10;

const { loadConfig } = await server('platform/config/config.js');
const { createLogger } = await server('platform/logging/logger.js');
const { IdGenerator } = await server('platform/ids/snowflake.js');
const { EventFactory } = await server('platform/events/event-factory.js');
const { createPubSub } = await server('platform/pubsub/pubsub.factory.js');
const { notificationChannel } = await server('platform/pubsub/channels.js');
const { PostgresDatabase } = await server('platform/sql/postgres.database.js');
const { migrate } = await server('platform/sql/migrator.js');
const { notificationService } = await server('app/notifications.js');
const { NotificationConsumer } = await server('services/notification/notification.consumer.js');
const { LIKE_CREATED } = await server('services/like/like.events.js');

const started = performance.now();
const cleanup = cleanupStack();
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * `one(item)` for the items, CONCURRENCY loops taking the next item from a shared index, until
 * all are done or, when `seconds` is given, that long has passed; how many were done, the rate,
 * the latency of each call and this process's CPU time per call (the load generator's share is
 * a loop and a timer). Any rejection fails the bench.
 */
async function runBatch(items, one, seconds = Infinity) {
  const latencies = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length && performance.now() < deadline) {
        const item = items[next++];
        const t = performance.now();
        await one(item);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const sorted = Float64Array.from(latencies).sort();
  return {
    done: sorted.length,
    rate: sorted.length / elapsed,
    seconds: elapsed,
    cpuUs: (user + system) / sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}

/** The envelopes the like service writes to its outbox (see like.events.ts), built before timing. */
function likeEvents(events, pairs) {
  // One time for the whole batch: the hot recipient's likes all fall in one grouping window.
  const createdAt = new Date();
  return pairs.map(({ actor, post, recipient }) =>
    events.create(
      LIKE_CREATED,
      post,
      { userId: actor, postId: post, postAuthorId: recipient, createdAt: createdAt.toISOString() },
      createdAt,
    ),
  );
}

async function main() {
  const database = await createBenchDatabase();
  cleanup.push(`drop database ${database.name}`, async () => {
    await database.drop();
    return 'dropped';
  });
  const prefix = benchKeyPrefix('notifications');
  cleanup.push(`delete Redis keys ${prefix}*`, async () => `${await deleteKeys(prefix)} keys deleted`);

  for (const line of await describeMachine(database.url)) console.log(line);
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: String(POOL_MAX),
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger({ level: 'warn' });

  // The notification role's own pieces, wired as app/notifications.ts wires them: its pool, its
  // pub/sub (announce = PUBLISH on notifications:{recipient}), the service and its consumer.
  const sql = new PostgresDatabase({ url: database.url, poolMax: config.database.poolMax });
  cleanup.push('close the service pool', () => sql.close());
  await migrate(sql, { schemas: ['notifications'] });
  const { pubsub } = await createPubSub(config.redis, { onError: (err) => logger.warn({ err }) });
  cleanup.push('close the service pub/sub', () => pubsub.close());
  const service = notificationService({ config, sql, pubsub, ids: new IdGenerator(1), logger });
  // Counts what each batch changed, to check it did what it should (and nothing more).
  let changed = 0;
  const consumer = new NotificationConsumer({
    notifications: {
      record: async (activity) => {
        const result = await service.record(activity);
        if (result) changed += 1;
        return result;
      },
    },
    onMalformed: (event, problem) => {
      throw new Error(`event ${event.id} malformed: ${problem}`);
    },
  });
  // A gateway's side: a pub/sub connection of its own, subscribed to a recipient's channel.
  const { pubsub: gateway } = await createPubSub(config.redis, { onError: (err) => logger.warn({ err }) });
  cleanup.push('close the gateway pub/sub', () => gateway.close());

  // The floors, on a bare pg pool of the same size in the same database.
  const raw = new pg.Pool({ connectionString: database.url, max: POOL_MAX });
  cleanup.push('close the raw pg pool', () => raw.end());
  await raw.query(`
    create schema bench_raw;
    create table bench_raw.processed (
      recipient_id bigint not null, event_id bigint not null, processed_at timestamptz not null,
      primary key (recipient_id, event_id));
    create table bench_raw.hot (id int primary key, n bigint not null);
    insert into bench_raw.hot values (1, 0);`);
  const { rows: durability } = await raw.query(
    "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'wal_sync_method') order by name",
  );
  console.log(
    `PostgreSQL commit: ${durability.map((s) => `${s.name}=${s.setting}`).join(', ')} ` +
      '(a commit waits for the WAL flush: the floor of every transaction)',
  );
  console.log(
    `setup: up to ${EVENTS} events or ${SECONDS} s per scenario, ${CONCURRENCY} concurrent handlers, pool max ${POOL_MAX} ` +
      `(service and raw), ${ROUNDS} rounds; database ${database.name}, Redis prefix ${prefix}`,
  );

  const ids = new IdGenerator(2);
  const events = new EventFactory(new IdGenerator(3));
  const handle = (envelope) => consumer.handle(envelope);
  const rawInsert = (envelope) =>
    raw.query(
      `insert into bench_raw.processed (recipient_id, event_id, processed_at) values ($1, $2, $3)
       on conflict do nothing`,
      [envelope.payload.postAuthorId, envelope.id, new Date()],
    );
  const rawBump = () => raw.query('update bench_raw.hot set n = n + 1 where id = 1');

  /** `count` likes, each by a new user of a new post of a new recipient. */
  const spreadBatch = (count) =>
    likeEvents(
      events,
      Array.from({ length: count }, () => ({ actor: ids.next(), post: ids.next(), recipient: ids.next() })),
    );
  /** `count` likes by new users of one new post of one new recipient. */
  function hotBatch(count) {
    const [recipient, post] = [ids.next(), ids.next()];
    return {
      recipient,
      envelopes: likeEvents(
        events,
        Array.from({ length: count }, () => ({ actor: ids.next(), post, recipient })),
      ),
    };
  }
  /** `handle` over the batch, checking how many notifications it changed: `expected(done)`. */
  async function consume(label, batch, expected, seconds) {
    const before = changed;
    const result = await runBatch(batch, handle, seconds);
    const want = expected(result.done);
    if (changed - before !== want) {
      throw new Error(`${label}: ${changed - before} notifications changed, expected ${want}`);
    }
    return result;
  }
  /** The recipient's notifications: what the hot batch must leave (one group, every actor in it). */
  async function hotNotification(recipient) {
    const { rows } = await raw.query(
      'select actor_count from notifications.notifications where recipient_id = $1 and removed_at is null',
      [recipient],
    );
    return rows;
  }

  // Once unmeasured: JIT, both pools' connections, PostgreSQL's caches.
  const warm = spreadBatch(WARMUP_EVENTS);
  await runBatch(warm, handle);
  await runBatch(warm, handle);
  await runBatch(hotBatch(WARMUP_EVENTS).envelopes, handle);
  await runBatch(warm, rawInsert);
  await runBatch(warm, rawBump);

  const line = (label, r) =>
    console.log(
      `  ${label.padEnd(52)} ${fmt(r.rate).padStart(6)} events/s  p50 ${fmt(r.p50, 1).padStart(5)} ms  ` +
        `p99 ${fmt(r.p99, 1).padStart(5)} ms  ${fmt(r.cpuUs).padStart(4)} µs CPU/event  ` +
        `(${r.done} in ${fmt(r.seconds, 1)} s)`,
    );
  const all = (done) => done;
  const results = { spread: [], rawSpread: [], hot: [], rawHot: [], redelivery: [] };
  for (let n = 1; n <= ROUNDS; n++) {
    console.log(`round ${n}:`);
    const batch = spreadBatch(EVENTS);
    const spreadRun = await consume('spread', batch, all, SECONDS);
    results.spread.push(spreadRun);
    line('spread: a recipient per event, NotificationConsumer', spreadRun);
    // The floor and the redelivery get as many events as the spread run got through.
    const spread = batch.slice(0, spreadRun.done);
    results.rawSpread.push(await runBatch(spread, rawInsert));
    line('  raw: single-row insert ... on conflict do nothing', results.rawSpread.at(-1));

    const hot = hotBatch(EVENTS);
    const hotRun = await consume('hot', hot.envelopes, all, SECONDS);
    results.hot.push(hotRun);
    line('hot: one recipient, one post, NotificationConsumer', hotRun);
    const grouped = await hotNotification(hot.recipient);
    if (grouped.length !== 1 || grouped[0].actor_count !== hotRun.done) {
      throw new Error(
        `hot: expected one notification of ${hotRun.done} actors, got ${JSON.stringify(grouped)}`,
      );
    }
    // As many bumps as the hot recipient got events: the same serialised work, at the floor.
    results.rawHot.push(await runBatch(hot.envelopes.slice(0, hotRun.done), rawBump));
    line('  raw: update one row set n = n + 1', results.rawHot.at(-1));

    results.redelivery.push(await consume('redelivery', spread, () => 0));
    line('redelivery: the spread batch again (no-ops)', results.redelivery.at(-1));
  }

  // Wake-up latency: one recipient whose channel a gateway-side connection listens to; samples
  // one at a time (so no lock or queue is in the figure), the three kinds in alternation so that
  // the load of neighbours on this shared machine falls on all alike.
  let heard;
  const recipient = ids.next();
  const post = ids.next();
  const unsubscribe = await gateway.subscribe(notificationChannel(recipient), () =>
    heard?.(performance.now()),
  );
  cleanup.push('unsubscribe the gateway', () => unsubscribe());
  const adapterChannel = `bench:${ids.next()}`;
  const unsubscribeAdapter = await gateway.subscribe(adapterChannel, () => heard?.(performance.now()));
  cleanup.push('unsubscribe the adapter channel', () => unsubscribeAdapter());
  const publisher = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanup.push('close the raw Redis publisher', () => publisher.quit());
  const subscriber = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanup.push('close the raw Redis subscriber', () => subscriber.quit());
  const rawChannel = `${prefix}bench:${ids.next()}`;
  await subscriber.subscribe(rawChannel);
  subscriber.on('message', () => heard?.(performance.now()));

  const nextWakeUp = () => new Promise((resolve) => (heard = resolve));
  const wakeUps = { record: [], handled: [], adapter: [], raw: [] };
  const total = WAKEUPS + 50;
  for (let i = 0; i < total; i++) {
    const [envelope] = likeEvents(events, [{ actor: ids.next(), post, recipient }]);
    let wakeUp = nextWakeUp();
    const handleStart = performance.now();
    const before = changed;
    await consumer.handle(envelope);
    const resolved = performance.now();
    if (changed !== before + 1) throw new Error(`wake-up sample ${i}: the like changed nothing`);
    const recordHeard = await wakeUp;

    wakeUp = nextWakeUp();
    const adapterSent = performance.now();
    await pubsub.publish(adapterChannel, '');
    const adapterHeard = await wakeUp;

    wakeUp = nextWakeUp();
    const rawSent = performance.now();
    await publisher.publish(rawChannel, '');
    const rawHeard = await wakeUp;
    // The first 50 of each warm up (JIT, Redis connections).
    if (i < total - WAKEUPS) continue;
    wakeUps.record.push(recordHeard - resolved);
    wakeUps.handled.push(recordHeard - handleStart);
    wakeUps.adapter.push(adapterHeard - adapterSent);
    wakeUps.raw.push(rawHeard - rawSent);
  }
  heard = undefined;
  const wake = Object.fromEntries(
    Object.entries(wakeUps).map(([key, samples]) => {
      const sorted = Float64Array.from(samples).sort();
      return [key, { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }];
    }),
  );

  const m = Object.fromEntries(
    Object.entries(results).map(([key, runs]) => [
      key,
      Object.fromEntries(['rate', 'p50', 'p99', 'cpuUs'].map((f) => [f, median(runs.map((r) => r[f]))])),
    ]),
  );
  console.log(`\nsummary (${ROUNDS} rounds, medians; load average now ${loadAverage()}):`);
  const rounds = Array.from({ length: ROUNDS }, (_, i) => `r${i + 1}`.padStart(6)).join(' ');
  console.log(`  ${'events/s'.padEnd(48)} ${rounds}   median | p50 ms  p99 ms | CPU µs/event (this process)`);
  const row = (label, key) =>
    console.log(
      `  ${label.padEnd(48)} ${results[key].map((r) => fmt(r.rate).padStart(6)).join(' ')} ` +
        `${fmt(m[key].rate).padStart(8)} | ${fmt(m[key].p50, 1).padStart(6)} ${fmt(m[key].p99, 1).padStart(7)} | ` +
        `${fmt(m[key].cpuUs).padStart(6)}`,
    );
  row('spread (NotificationConsumer)', 'spread');
  row('  raw: single-row insert ... on conflict', 'rawSpread');
  row('hot recipient (NotificationConsumer)', 'hot');
  row('  raw: update one row set n = n + 1', 'rawHot');
  row('redelivery of the spread batch (no-ops)', 'redelivery');
  const ratio = (label, value) => console.log(`    ${label.padEnd(50)} ${fmt(value, 2).padStart(6)}`);
  console.log('  ratios (of the medians):');
  ratio('spread / raw insert', m.spread.rate / m.rawSpread.rate);
  ratio('hot / raw hot-row update', m.hot.rate / m.rawHot.rate);
  ratio("hot / spread (what one recipient's lock costs)", m.hot.rate / m.spread.rate);
  ratio('raw hot-row update / raw insert', m.rawHot.rate / m.rawSpread.rate);
  ratio('redelivery / spread', m.redelivery.rate / m.spread.rate);
  ratio('redelivery / raw insert', m.redelivery.rate / m.rawSpread.rate);
  console.log(`  wake-up latency (${WAKEUPS} samples each, one at a time):          p50 ms   p99 ms`);
  const wakeRow = (label, r) =>
    console.log(`  ${label.padEnd(62)} ${fmt(r.p50, 3).padStart(8)} ${fmt(r.p99, 3).padStart(8)}`);
  wakeRow('record() resolved -> subscriber heard (the pipeline)', wake.record);
  wakeRow('  (handle() called -> subscriber heard: write + wake-up)', wake.handled);
  wakeRow('raw: RedisPubSub.publish -> RedisPubSub subscriber', wake.adapter);
  wakeRow('raw: ioredis PUBLISH -> message', wake.raw);
  ratio('pipeline / raw ioredis, p50', wake.record.p50 / wake.raw.p50);
  ratio('pipeline / raw ioredis, p99', wake.record.p99 / wake.raw.p99);
}

try {
  await main();
} catch (err) {
  console.error(
    `\nnotifications bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  process.exitCode = 1;
} finally {
  await cleanup.run();
  console.log(`total ${fmt((performance.now() - started) / 1000, 1)} s`);
}
