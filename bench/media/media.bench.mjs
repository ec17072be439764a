#!/usr/bin/env node
/**
 * Media pipeline throughput: ImageProcessor.process (decode once, orient, sRGB, strip,
 * 5 variants + ThumbHash) against the same five resizes done by sharp alone (one decode +
 * resize + encode per output, no orientation, no placeholder), on 12-megapixel JPEGs.
 *
 *   npm run build:server && node bench/media/media.bench.mjs
 *
 * Environment: BENCH_IMAGES (per measurement, default 24), BENCH_SHARP_CONCURRENCY (libvips
 * threads per pipeline; default: sharp's own), GLIMPSE_SERVER_DIST (default apps/server/dist).
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = resolve(repo, process.env.GLIMPSE_SERVER_DIST ?? 'apps/server/dist');
// sharp is a dependency of apps/server: resolve it from there, as the server does.
const sharp = createRequire(resolve(repo, 'apps/server/package.json'))('sharp');
const { ImageProcessor } = await import(
  pathToFileURL(resolve(dist, 'services/media/image/image.processor.js')).href
);

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

const rows = [];
for (const inFlight of [1, availableParallelism()]) {
  console.log(`\n${inFlight} image(s) in flight:`);
  const pipeline = await measure(
    'ImageProcessor.process (5 variants + hash)',
    (b) => processor.process(b),
    inputs,
    inFlight,
  );
  const alone = await measure('sharp alone (5 resizes, no orient/hash)', sharpAlone, inputs, inFlight);
  rows.push({ inFlight, pipeline, alone });
  console.log(`  ratio pipeline / sharp alone: ${(pipeline / alone).toFixed(2)}`);
}
clearInterval(sampler);

console.log('\nsummary (images/s):');
console.log('  in flight | pipeline | sharp alone | ratio');
for (const r of rows) {
  console.log(
    `  ${String(r.inFlight).padStart(9)} | ${r.pipeline.toFixed(2).padStart(8)} | ${r.alone.toFixed(2).padStart(11)} | ${(r.pipeline / r.alone).toFixed(2)}`,
  );
}
console.log(
  `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
