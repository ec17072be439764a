#!/usr/bin/env node
/**
 * Media pipeline throughput on 12-megapixel JPEGs, three ways in one run:
 * - the whole pipeline: HTTP upload to the running server (embedded shape: PGlite, in-process
 *   bus, local disk), streamed to storage, media.uploaded through the outbox, the media worker
 *   (decode once, orient, sRGB, strip, 5 variants + ThumbHash, variants stored), ready;
 * - ImageProcessor.process alone (the worker's image step, no HTTP, storage or database);
 * - the same five resizes done by sharp alone (one decode + resize + encode per output, no
 *   orientation, no placeholder), as the raw limit of the machine.
 *
 *   npm run build:server && node bench/media/media.bench.mjs
 *
 * Environment: BENCH_IMAGES (per measurement, default 24), BENCH_SHARP_CONCURRENCY (libvips
 * threads per pipeline; default: sharp's own), GLIMPSE_SERVER_DIST (default apps/server/dist).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

import { dist, jsonApi, repo, signUp } from '../feed/support.mjs';

// sharp is a dependency of apps/server: resolve it from there, as the server does.
const sharp = createRequire(resolve(repo, 'apps/server/package.json'))('sharp');
const { ImageProcessor } = await import(
  pathToFileURL(resolve(dist, 'services/media/image/image.processor.js')).href
);

const { startApplication } = await import(pathToFileURL(resolve(dist, 'app/application.js')).href);
const { loadConfig } = await import(pathToFileURL(resolve(dist, 'platform/config/config.js')).href);

const IMAGES = Number(process.env.BENCH_IMAGES ?? 24);
const WIDTH = 4000;
const HEIGHT = 3000;
if (process.env.BENCH_SHARP_CONCURRENCY) sharp.concurrency(Number(process.env.BENCH_SHARP_CONCURRENCY));

/** A photo-like 12 MP JPEG: smooth gradients and shapes under sensor-like noise. */
async function photo(seed) {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  let state = seed * 2654435761 || 1;
  let i = 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const noise = ((state >>> 0) % 25) - 12;
      const wave = 40 * Math.sin((x + seed * 500) / 180) * Math.cos(y / 130);
      pixels[i++] = clamp((x / WIDTH) * 200 + wave + noise + 20);
      pixels[i++] = clamp((y / HEIGHT) * 180 - wave + noise + 40);
      pixels[i++] = clamp(((x + y) / (WIDTH + HEIGHT)) * 160 + wave / 2 + noise + 50);
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

function clamp(v) {
  return v < 0 ? 0 : v > 255 ? 255 : v | 0;
}

/** The five outputs, each its own sharp pipeline from the JPEG, as one would write it naively. */
function sharpAlone(input) {
  const webp = { quality: 80, effort: 4 };
  return Promise.all([
    sharp(input).resize(150, 150, { fit: 'cover' }).webp(webp).toBuffer(),
    sharp(input).resize({ width: 320, withoutEnlargement: true }).webp(webp).toBuffer(),
    sharp(input).resize({ width: 640, withoutEnlargement: true }).webp(webp).toBuffer(),
    sharp(input).resize({ width: 1080, withoutEnlargement: true }).webp(webp).toBuffer(),
    sharp(input)
      .resize({ width: 1080, withoutEnlargement: true })
      .jpeg({ quality: 82, progressive: true })
      .toBuffer(),
  ]);
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

/** Images per second with `inFlight` images processed at a time. */
async function measure(label, fn, inputs, inFlight) {
  for (const input of inputs.slice(0, 2)) await fn(input); // warm-up
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < IMAGES) await fn(inputs[next++ % inputs.length]);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rate = IMAGES / seconds;
  console.log(
    `  ${label.padEnd(44)} ${rate.toFixed(2).padStart(6)} images/s  (${((seconds * 1000) / IMAGES).toFixed(0)} ms/image)`,
  );
  return rate;
}

const t0 = performance.now();
console.log(
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
console.log(
  `node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ` +
    `sharp.concurrency=${sharp.concurrency()}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
);
const inputs = await Promise.all([1, 2, 3].map(photo));
console.log(
  `inputs: 3 distinct ${WIDTH}x${HEIGHT} JPEGs (${(inputs.reduce((n, b) => n + b.length, 0) / 3 / 1e6).toFixed(1)} MB each), ` +
    `${IMAGES} images per measurement`,
);

const processor = new ImageProcessor({ maxPixels: 100_000_000 });
const check = await processor.process(inputs[0]);
console.log(
  `pipeline output: ${check.variants.map((v) => `${v.name} ${v.width}x${v.height} ${(v.data.length / 1024).toFixed(0)}KB`).join(', ')}`,
);

/**
 * Uploads IMAGES photos through the HTTP API, `inFlight` at a time, and waits until every one
 * is ready: images/second from the first byte sent to the last variant stored.
 */
async function measureWholePipeline(inFlight) {
  const closers = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'glimpse-bench-media-'));
  const app = await startApplication(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      RATE_LIMIT_MULTIPLIER: '1000',
      OUTBOX_POLL_INTERVAL_MS: '20',
      MEDIA_WORKER_CONCURRENCY: String(inFlight),
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
      // Embedded by default; set DATABASE_URL to run the same pipeline on PostgreSQL.
      ...(process.env.DATABASE_URL && { DATABASE_URL: process.env.DATABASE_URL }),
    }),
  );
  try {
    const api = jsonApi(app.url);
    const { auth } = await signUp(api, 'bench');
    // Settled media are awaited on the app's own event bus rather than by polling the API,
    // so the measurement is not slowed by the measuring.
    const settled = new Map();
    const waitFor = (id) => {
      let entry = settled.get(id);
      if (!entry) {
        let resolve;
        entry = { promise: new Promise((r) => (resolve = r)), resolve };
        settled.set(id, entry);
      }
      return entry;
    };
    const subscription = await app.infrastructure.bus.subscribe({
      group: 'bench',
      topics: ['media.ready', 'media.failed'],
      handler: async (event) => waitFor(event.payload.mediaId).resolve(event),
    });
    const upload = async (input) => {
      const media = await api('/api/media', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'image/jpeg' },
        body: input,
      });
      const event = await waitFor(media.id).promise;
      if (event.type !== 'media.ready') throw new Error(`processing failed: ${event.payload.reason}`);
    };
    closers.push(() => subscription.close());
    return await measure(`whole pipeline over HTTP (worker x${inFlight})`, upload, inputs, inFlight);
  } finally {
    for (const close of closers) await close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const rows = [];
for (const inFlight of [1, availableParallelism()]) {
  console.log(`\n${inFlight} image(s) in flight:`);
  const whole = await measureWholePipeline(inFlight);
  const pipeline = await measure(
    'ImageProcessor.process (5 variants + hash)',
    (b) => processor.process(b),
    inputs,
    inFlight,
  );
  const alone = await measure('sharp alone (5 resizes, no orient/hash)', sharpAlone, inputs, inFlight);
  rows.push({ inFlight, whole, pipeline, alone });
  console.log(`  ratio whole pipeline / sharp alone: ${(whole / alone).toFixed(2)}`);
  console.log(`  ratio ImageProcessor / sharp alone: ${(pipeline / alone).toFixed(2)}`);
}
clearInterval(sampler);

console.log('\nsummary (images/s; ratio = whole pipeline / sharp alone):');
console.log('  in flight | whole pipeline | ImageProcessor | sharp alone | ratio');
for (const r of rows) {
  console.log(
    `  ${String(r.inFlight).padStart(9)} | ${r.whole.toFixed(2).padStart(14)} | ${r.pipeline.toFixed(2).padStart(14)} | ${r.alone.toFixed(2).padStart(11)} | ${(r.whole / r.alone).toFixed(2)}`,
  );
}
console.log(
  `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
