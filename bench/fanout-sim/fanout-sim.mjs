#!/usr/bin/env node
/**
 * Home feed fanout simulation: what FANOUT_FOLLOWER_THRESHOLD costs in Redis writes (push at
 * publish time) and in celebrity merges (pull at read time), computed exactly over a synthetic
 * 1M-user follower graph with a power-law follower distribution and one simulated day of activity.
 *
 *   node bench/fanout-sim/fanout-sim.mjs      # 1M users: ~35 s on 2 cores, ~750 MB RSS
 *   SIM_USERS=100000 node bench/fanout-sim/fanout-sim.mjs   # ~2 s
 *
 * No dependency beyond Node; single-threaded. Deterministic for a given SIM_SEED and model
 * parameters (SIM_* environment variables, FANOUT_FOLLOWER_THRESHOLD for the conclusion line,
 * SIM_JSON=path to also write the results as JSON). The model and its sources: README.md here.
 */
import { writeFileSync } from 'node:fs';

const started = performance.now();

function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

const N = Math.floor(envNumber('SIM_USERS', 1_000_000));
const SEED = Math.floor(envNumber('SIM_SEED', 42)) >>> 0;
if (N < 1000) throw new Error('SIM_USERS must be at least 1000');

// The service's own settings (apps/server config and ARCHITECTURE.md).
const FEED_MAX_ITEMS = 800;
const FEED_ACTIVE_DAYS = 7;
const THRESHOLDS = [0, 100, 1000, 10_000, 100_000, Infinity];
// The threshold the conclusion is about: the service's default, or FANOUT_FOLLOWER_THRESHOLD.
const SERVICE_THRESHOLD = envNumber('FANOUT_FOLLOWER_THRESHOLD', 10_000);
if (!THRESHOLDS.includes(SERVICE_THRESHOLD)) {
  THRESHOLDS.push(SERVICE_THRESHOLD);
  THRESHOLDS.sort((x, y) => x - y);
}

// Model parameters; README.md says where each comes from.
const M = {
  followingMedian: envNumber('SIM_FOLLOWING_MEDIAN', 100),
  followingSigma: envNumber('SIM_FOLLOWING_SIGMA', 0.9),
  followingCap: envNumber('SIM_FOLLOWING_CAP', 7500),
  followerExponent: envNumber('SIM_FOLLOWER_EXPONENT', 2.1),
  // Followers of the top accounts saturate below this share of all users.
  followerCapShare: envNumber('SIM_FOLLOWER_CAP_SHARE', 0.3),
  activeShare: envNumber('SIM_ACTIVE_SHARE', 0.6),
  postsMedian: envNumber('SIM_POSTS_MEDIAN', 0.07),
  postsSigma: envNumber('SIM_POSTS_SIGMA', 1.3),
  postsCap: envNumber('SIM_POSTS_CAP', 50),
  readsPerDay: envNumber('SIM_READS_PER_DAY', 10),
  feedWindowDays: envNumber('SIM_FEED_WINDOW_DAYS', 30),
  bytesPerItem: envNumber('SIM_BYTES_PER_ITEM', 16),
};

// ---------------------------------------------------------------------------------------------
// Seeded PRNG: xoshiro128** seeded through splitmix32, 32-bit integer arithmetic only.

function createRandom(seed) {
  let x = seed >>> 0;
  const split = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const u32 = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  /** Uniform in (0, 1): never 0, so logs and negative powers stay finite. */
  const uniform = () => (u32() + 0.5) / 4294967296;
  let spare = NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const value = spare;
      spare = NaN;
      return value;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const poisson = (lambda) => {
    // Knuth's method: lambda is capped at postsCap (50), far from underflow of exp(-lambda).
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = uniform();
    while (p > limit) {
      k++;
      p *= uniform();
    }
    return k;
  };
  return { u32, uniform, normal, poisson };
}

function rotl(v, k) {
  return (v << k) | (v >>> (32 - k));
}

// ---------------------------------------------------------------------------------------------
// Small statistics helpers.

/** Nearest-rank percentile of an ascending-sorted typed array. */
function percentileSorted(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Nearest-rank percentile from a histogram of non-negative integers (index = value). */
function percentileHistogram(histogram, total, p) {
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let value = 0; value < histogram.length; value++) {
    seen += histogram[value];
    if (seen >= rank) return value;
  }
  return histogram.length - 1;
}

function bisect(f, lo, hi, iterations = 60) {
  // f increasing; returns x with f(x) ~ 0.
  for (let i = 0; i < iterations; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function compact(n) {
  if (n === Infinity) return 'inf';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}G`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e4) return `${trim(n / 1e3)}k`;
  if (Number.isInteger(n)) return String(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function trim(v) {
  const abs = Math.abs(v);
  // Number() drops trailing zeros: 10.0k reads as 10k.
  return String(Number(abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2)));
}

function bytes(n) {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(0)} MiB`;
  return `${(n / 2 ** 10).toFixed(0)} KiB`;
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const phases = [];
let phaseStart = performance.now();
function phase(name) {
  const now = performance.now();
  phases.push(`${name} ${((now - phaseStart) / 1000).toFixed(1)}s`);
  phaseStart = now;
}

const random = createRandom(SEED);

// ---------------------------------------------------------------------------------------------
// 1. Followings (out-degree): lognormal, capped like Instagram's 7500 follow limit.

const offsets = new Uint32Array(N + 1);
{
  const maxFollowing = Math.min(M.followingCap, Math.floor(N / 2));
  const mu = Math.log(M.followingMedian);
  for (let u = 0; u < N; u++) {
    const d = Math.round(Math.exp(mu + M.followingSigma * random.normal()));
    offsets[u + 1] = offsets[u] + Math.min(maxFollowing, Math.max(1, d));
  }
}
const E = offsets[N];
if (E > 0xffffffff) throw new Error('too many edges for Uint32 offsets');

// ---------------------------------------------------------------------------------------------
// 2. Popularity: expected follower count per user from a Lomax (Pareto II) draw with tail
//    exponent followerExponent, so the follower pdf falls as k^-2.1 above a few dozen followers
//    while leaving a realistic crowd of users with a handful. The top accounts saturate smoothly
//    below followerCapShare of all users: with exponent 2.1 and ~150 followings per user, an
//    uncapped draw would give the top account more followers than the graph has users.
//    The scale is solved so that expected followers add up to the edges drawn in step 1.

const popularity = new Float64Array(N);
{
  const shape = M.followerExponent - 1;
  const raw = new Float64Array(N);
  for (let v = 0; v < N; v++) raw[v] = random.uniform() ** (-1 / shape) - 1;
  const cap = M.followerCapShare * N;
  const total = (scale) => {
    let sum = 0;
    for (let v = 0; v < N; v++) {
      const k = scale * raw[v];
      sum += k / (1 + k / cap);
    }
    return sum;
  };
  const scale = bisect((s) => total(s) - E, 0, 1e4, 50);
  for (let v = 0; v < N; v++) {
    const k = scale * raw[v];
    popularity[v] = k / (1 + k / cap);
  }
}

// Alias table (Vose) over popularity: O(1) weighted draws of whom an edge points to.
const aliasProb = new Float64Array(N);
const aliasOther = new Uint32Array(N);
{
  let sum = 0;
  for (let v = 0; v < N; v++) sum += popularity[v];
  const scaled = new Float64Array(N);
  const small = new Uint32Array(N);
  const large = new Uint32Array(N);
  let ns = 0;
  let nl = 0;
  for (let v = 0; v < N; v++) {
    scaled[v] = (popularity[v] * N) / sum;
    if (scaled[v] < 1) small[ns++] = v;
    else large[nl++] = v;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns];
    const l = large[--nl];
    aliasProb[s] = scaled[s];
    aliasOther[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) small[ns++] = l;
    else large[nl++] = l;
  }
  while (nl > 0) aliasProb[large[--nl]] = 1;
  while (ns > 0) aliasProb[small[--ns]] = 1;
}

// ---------------------------------------------------------------------------------------------
// 3. Edges (Chung-Lu with rejection of self-follows and duplicates), stored as CSR:
//    following[offsets[u] .. offsets[u+1]) are the accounts u follows.

const following = new Uint32Array(E);
const followers = new Uint32Array(N);
{
  const lastFollower = new Int32Array(N).fill(-1);
  for (let u = 0; u < N; u++) {
    const end = offsets[u + 1];
    let pos = offsets[u];
    let attempts = 0;
    const maxAttempts = 64 * (end - pos) + 1024;
    while (pos < end) {
      let v;
      if (attempts++ < maxAttempts) {
        const slot = random.u32() % N;
        v = random.uniform() < aliasProb[slot] ? slot : aliasOther[slot];
      } else {
        // Only reachable on tiny graphs where a heavy follower exhausted the popular accounts.
        v = random.u32() % N;
      }
      if (v === u || lastFollower[v] === u) continue;
      lastFollower[v] = u;
      following[pos++] = v;
      followers[v]++;
    }
  }
}
phase('graph');

// ---------------------------------------------------------------------------------------------
// 4. One day of activity.
//    Active (seen in the last FEED_ACTIVE_DAYS): logistic in log(followings) and log(followers),
//    intercept solved so that activeShare of users are active.
//    Posts: active users only; a lognormal daily rate, raised for big accounts, drawn as Poisson.

const active = new Uint8Array(N);
const postRate = new Float32Array(N);
const postsToday = new Uint16Array(N);
let activeCount = 0;
let totalPosts = 0;
{
  const score = new Float64Array(N);
  for (let u = 0; u < N; u++) {
    score[u] = 0.6 * Math.log1p(offsets[u + 1] - offsets[u]) + 0.4 * Math.log1p(followers[u]);
  }
  const meanActive = (intercept) => {
    let sum = 0;
    for (let u = 0; u < N; u++) sum += 1 / (1 + Math.exp(-(intercept + score[u])));
    return sum / N - M.activeShare;
  };
  const intercept = bisect(meanActive, -50, 50, 50);
  const mu = Math.log(M.postsMedian);
  for (let u = 0; u < N; u++) {
    if (random.uniform() >= 1 / (1 + Math.exp(-(intercept + score[u])))) continue;
    active[u] = 1;
    activeCount++;
    const boost = 1 + Math.log10(1 + followers[u] / 1000);
    const rate = Math.min(M.postsCap, Math.exp(mu + M.postsSigma * random.normal()) * boost);
    postRate[u] = rate;
    const posts = random.poisson(rate);
    postsToday[u] = posts;
    totalPosts += posts;
  }
}

// ---------------------------------------------------------------------------------------------
// 5. One exact pass over every edge.
//    - activeFollowers[v]: followers of v that the push would write to (inactive ones are skipped).
//    - for each active reader and each follower class, how many followed accounts fall in it and
//      the sum of their post rates. Class c of an account = how many finite thresholds its
//      follower count exceeds, so "above threshold j" is "class > j".

const FINITE = THRESHOLDS.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
const CLASSES = FINITE.length + 1;
const followerClass = new Uint8Array(N);
for (let v = 0; v < N; v++) {
  let c = 0;
  while (c < FINITE.length && followers[v] > FINITE[c]) c++;
  followerClass[v] = c;
}

const activeFollowers = new Uint32Array(N);
const readerClassCount = new Uint16Array(N * CLASSES);
const readerClassRate = new Float32Array(N * CLASSES);
{
  const count = new Uint32Array(CLASSES);
  const rate = new Float64Array(CLASSES);
  for (let u = 0; u < N; u++) {
    if (!active[u]) continue;
    count.fill(0);
    rate.fill(0);
    const end = offsets[u + 1];
    for (let i = offsets[u]; i < end; i++) {
      const v = following[i];
      activeFollowers[v]++;
      const c = followerClass[v];
      count[c]++;
      rate[c] += postRate[v];
    }
    for (let c = 0; c < CLASSES; c++) {
      readerClassCount[u * CLASSES + c] = count[c];
      readerClassRate[u * CLASSES + c] = rate[c];
    }
  }
}
phase('activity');

// ---------------------------------------------------------------------------------------------
// 6. Per threshold: writes at publish time, merges at read time, feed memory.

const readsPerReader = M.readsPerDay;
const totalReads = activeCount * readsPerReader;
const results = [];
for (const threshold of THRESHOLDS) {
  const j = Number.isFinite(threshold) ? FINITE.indexOf(threshold) : FINITE.length;
  const pushed = (v) => followers[v] <= threshold;

  // Writes: one ZADD (+ trim in the same pipeline) per active follower, per pushed post.
  const perPost = new Uint32Array(totalPosts);
  let k = 0;
  let writesPerDay = 0;
  let pulledPosts = 0;
  let worstBurst = 0;
  let celebrities = 0;
  for (let v = 0; v < N; v++) {
    const isPushed = pushed(v);
    if (!isPushed) celebrities++;
    else if (activeFollowers[v] > worstBurst) worstBurst = activeFollowers[v];
    const posts = postsToday[v];
    if (posts === 0) continue;
    const writes = isPushed ? activeFollowers[v] : 0;
    if (!isPushed) pulledPosts += posts;
    writesPerDay += posts * writes;
    for (let p = 0; p < posts; p++) perPost[k++] = writes;
  }
  perPost.sort();

  // Merges: followed accounts above the threshold, per read (every read of a reader is alike).
  const histogram = new Float64Array(M.followingCap + 2);
  let mergeSum = 0;
  let mergeMax = 0;
  let readsMerging = 0;
  let feedItems = 0;
  for (let u = 0; u < N; u++) {
    if (!active[u]) continue;
    let merges = 0;
    let pushedRate = 0;
    const base = u * CLASSES;
    for (let c = 0; c < CLASSES; c++) {
      if (c > j) merges += readerClassCount[base + c];
      else pushedRate += readerClassRate[base + c];
    }
    histogram[merges] += readsPerReader;
    mergeSum += merges * readsPerReader;
    if (merges > mergeMax) mergeMax = merges;
    if (merges > 0) readsMerging += readsPerReader;
    feedItems += Math.min(FEED_MAX_ITEMS, M.feedWindowDays * pushedRate);
  }

  results.push({
    threshold,
    celebrities,
    pulledShare: totalPosts ? pulledPosts / totalPosts : 0,
    writesMean: totalPosts ? writesPerDay / totalPosts : 0,
    writesP50: percentileSorted(perPost, 50),
    writesP99: percentileSorted(perPost, 99),
    writesMaxToday: perPost.length ? perPost[perPost.length - 1] : 0,
    worstBurst,
    writesPerDay,
    mergesMean: totalReads ? mergeSum / totalReads : 0,
    mergesP50: percentileHistogram(histogram, totalReads, 50),
    mergesP99: percentileHistogram(histogram, totalReads, 99),
    mergesMax: mergeMax,
    mergingShare: totalReads ? readsMerging / totalReads : 0,
    mergeReadsPerDay: mergeSum,
    feedItems,
    feedBytes: feedItems * M.bytesPerItem,
  });
}
phase('thresholds');

// ---------------------------------------------------------------------------------------------
// 7. Report.

const sortedFollowers = followers.slice().sort();
const followingCounts = new Uint32Array(N);
for (let u = 0; u < N; u++) followingCounts[u] = offsets[u + 1] - offsets[u];
followingCounts.sort();

// Power-law exponent by maximum likelihood for a power law truncated to [kMin, kMax] (the
// continuous form of Clauset, Shalizi & Newman 2009 with the upper cut-off in the normalisation),
// over the range the model means to be a power law: above the Lomax body's knee and below the
// saturation of the top accounts.
function powerLawExponent(kMin, kMax) {
  const a = kMin - 0.5;
  const b = kMax + 0.5;
  let n = 0;
  let logSum = 0;
  for (let v = 0; v < N; v++) {
    const k = followers[v];
    if (k >= kMin && k <= kMax) {
      n++;
      logSum += Math.log(k);
    }
  }
  // The log-likelihood's derivative in alpha, decreasing: bisect on its negation.
  const score = (alpha) => {
    const za = a ** (1 - alpha);
    const zb = b ** (1 - alpha);
    return n / (alpha - 1) - logSum - (n * (Math.log(b) * zb - Math.log(a) * za)) / (za - zb);
  };
  return { n, alpha: bisect((alpha) => -score(alpha), 1.01, 6, 60) };
}
const fitMin = Math.max(10, 20 * percentileSorted(sortedFollowers, 50));
const fitMax = Math.max(fitMin * 4, Math.floor((M.followerCapShare * N) / 10));
const fit = powerLawExponent(fitMin, fitMax);
const pct = (p) => percentileSorted(sortedFollowers, p);
const fpct = (p) => percentileSorted(followingCounts, p);
const upperBoundFeedBytes = activeCount * FEED_MAX_ITEMS * M.bytesPerItem;

const out = [];
out.push(`Glimpse fanout simulation (seed ${SEED}, Node ${process.version})`);
out.push('');
out.push('Graph');
out.push(
  `  users ${compact(N)}, follow edges ${compact(E)} (mean ${(E / N).toFixed(1)} followings per user, ` +
    `CSR ${bytes(E * 4 + (N + 1) * 4)})`,
);
out.push(
  `  followers   p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  p99.9 ${pct(99.9)}  p99.99 ${pct(99.99)}  ` +
    `max ${compact(sortedFollowers[N - 1])}  (0 followers: ${compact(sortedFollowers.findIndex((k) => k > 0))})`,
);
out.push(
  `  followings  p50 ${fpct(50)}  p90 ${fpct(90)}  p99 ${fpct(99)}  max ${fpct(100)}  (cap ${M.followingCap})`,
);
out.push(
  `  follower power-law exponent (MLE over ${fitMin}..${fitMax} followers, ${compact(fit.n)} accounts): ` +
    `${fit.alpha.toFixed(2)} (model ${M.followerExponent})`,
);
out.push(
  `  top 5 accounts: ${Array.from(sortedFollowers.subarray(N - 5))
    .reverse()
    .map(compact)
    .join(', ')} followers`,
);
out.push(
  `  accounts above threshold: ${results
    .filter((r) => Number.isFinite(r.threshold))
    .map((r) => `>${compact(r.threshold)}: ${r.celebrities}`)
    .join(', ')}`,
);
out.push('');
out.push('Day');
out.push(
  `  active in the last ${FEED_ACTIVE_DAYS} days: ${compact(activeCount)} (${((100 * activeCount) / N).toFixed(1)}%), ` +
    `${readsPerReader} feed reads each: ${compact(totalReads)} reads`,
);
out.push(
  `  posts: ${compact(totalPosts)} (${(totalPosts / activeCount).toFixed(3)} per active user; ` +
    `top poster ${postsToday.reduce((a, b) => Math.max(a, b), 0)} today)`,
);
out.push('');
out.push('Publish side (Redis feed writes = active followers pushed; inactive followers skipped)');
out.push(
  table(
    [
      'threshold',
      'pulled posts',
      'writes/post mean',
      'p50',
      'p99',
      'max today',
      'worst burst',
      'writes/day',
      'vs push-all',
    ],
    results.map((r) => [
      compact(r.threshold),
      `${(100 * r.pulledShare).toFixed(1)}%`,
      compact(r.writesMean),
      compact(r.writesP50),
      compact(r.writesP99),
      compact(r.writesMaxToday),
      compact(r.worstBurst),
      compact(r.writesPerDay),
      `${(100 * (r.writesPerDay / results[results.length - 1].writesPerDay - 1)).toFixed(1)}%`,
    ]),
  ),
);
out.push('');
out.push(
  `Read side (merges = followed accounts above the threshold, per feed read; feed memory = active users x ` +
    `min(${FEED_MAX_ITEMS}, pushed posts over ${M.feedWindowDays} days) x ${M.bytesPerItem} B)`,
);
out.push(
  table(
    [
      'threshold',
      'reads merging',
      'merges/read mean',
      'p50',
      'p99',
      'max',
      'merge reads/day',
      'writes+merges/day',
      'feed items',
      'feed memory',
    ],
    results.map((r) => [
      compact(r.threshold),
      `${(100 * r.mergingShare).toFixed(1)}%`,
      compact(r.mergesMean),
      compact(r.mergesP50),
      compact(r.mergesP99),
      compact(r.mergesMax),
      compact(r.mergeReadsPerDay),
      compact(r.writesPerDay + r.mergeReadsPerDay),
      compact(r.feedItems),
      bytes(r.feedBytes),
    ]),
  ),
);
out.push(
  `  feed memory upper bound (every active feed full): ${bytes(upperBoundFeedBytes)}; ` +
    `posts:{authorId} lists are kept for every author whatever the threshold`,
);
out.push('');

const pushAll = results[results.length - 1];
const at = results.find((r) => r.threshold === SERVICE_THRESHOLD) ?? results[0];
const fall = pushAll.writesPerDay ? 100 * (1 - at.writesPerDay / pushAll.writesPerDay) : 0;
const burstFall = pushAll.worstBurst / Math.max(1, at.worstBurst);
out.push(
  `Conclusion: at ${compact(at.threshold)}: ${compact(at.writesMean)} writes/post on average ` +
    `(p99 ${compact(at.writesP99)}), worst single-post burst ${compact(at.worstBurst)} ` +
    `(${burstFall.toFixed(0)}x below push-all's ${compact(pushAll.worstBurst)}); writes fall by ${fall.toFixed(1)}% ` +
    `vs push-all (${compact(at.writesPerDay)} vs ${compact(pushAll.writesPerDay)} a day) while reads merge ` +
    `${compact(at.mergesMean)} celebrities on average, at most ${at.mergesP99} at p99 (max ${at.mergesMax}).`,
);
const atIndex = results.indexOf(at);
const neighbours = [results[atIndex - 1], results[atIndex + 1]].filter(
  (r) => r !== undefined && r.threshold > 0 && Number.isFinite(r.threshold),
);
for (const r of neighbours) {
  const delta = at.writesPerDay ? 100 * (r.writesPerDay / at.writesPerDay - 1) : 0;
  out.push(
    `  at ${compact(r.threshold)} instead: writes/day ${delta >= 0 ? '+' : ''}${delta.toFixed(1)}%, ` +
      `worst burst ${compact(r.worstBurst)}, merges/read mean ${compact(r.mergesMean)}, p99 ${r.mergesP99}.`,
  );
}
// Per account, pushing costs posts/day x active followers writes and pulling costs
// reads/day x active followers merge reads, so pulling saves operations only for accounts that
// post more often than their followers read.
let pullCheaper = 0;
for (let v = 0; v < N; v++) if (postRate[v] > readsPerReader && followers[v] > 0) pullCheaper++;
const opsRatio = (at.writesPerDay + at.mergeReadsPerDay) / Math.max(1, pushAll.writesPerDay);
out.push(
  `  operation count alone favours push: ${compact(totalReads)} reads vs ${compact(totalPosts)} posts a day ` +
    `(${(totalReads / Math.max(1, totalPosts)).toFixed(0)}:1), so pulling an account saves operations only if it ` +
    `posts more than ${readsPerReader} times a day (${pullCheaper} accounts here); writes+merges/day at ` +
    `${compact(at.threshold)} are ${opsRatio.toFixed(1)}x push-all's writes/day. ` +
    `What the threshold buys is the bound on one post's burst, paid in merges per read.`,
);
out.push('');
phase('report');
out.push(
  `Elapsed ${((performance.now() - started) / 1000).toFixed(1)}s (${phases.join(', ')}), ` +
    `peak RSS ${bytes(process.resourceUsage().maxRSS * 1024)}`,
);
console.log(out.join('\n'));

if (process.env.SIM_JSON) {
  writeFileSync(
    process.env.SIM_JSON,
    JSON.stringify(
      {
        seed: SEED,
        users: N,
        edges: E,
        model: M,
        active: activeCount,
        posts: totalPosts,
        reads: totalReads,
        results: results.map((r) => ({ ...r, threshold: Number.isFinite(r.threshold) ? r.threshold : null })),
      },
      null,
      2,
    ),
  );
}
