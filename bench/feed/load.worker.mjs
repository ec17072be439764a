/**
 * The load generator, in a worker thread so that it has its own event loop (and core) rather
 * than sharing the server's: `concurrency` loops, each sending one request at a time over a
 * keep-alive connection of its own, for `seconds`. Posts back the latency of every request
 * that completed (ms, as a transferred Float64Array), the status counts and the first failure.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, paths, headers, concurrency, seconds } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

let latencies = new Float64Array(1 << 16);
let count = 0;
let failures = 0;
let firstFailure;
const statuses = {};

function record(ms) {
  if (count === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[count++] = ms;
}

/** One GET; resolves with the status once the whole body has arrived. */
function get(path) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: target.hostname, port: target.port, path, headers, agent },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: chunks }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async (_, loop) => {
    // Each loop walks the paths from its own offset, so every path is asked for as often.
    for (let i = loop; performance.now() < deadline; i += concurrency) {
      const path = paths[i % paths.length];
      const sent = performance.now();
      try {
        const { status, body } = await get(path);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) record(performance.now() - sent);
        else {
          failures++;
          firstFailure ??= `${status} ${Buffer.concat(body).toString().slice(0, 300)}`;
        }
      } catch (err) {
        failures++;
        firstFailure ??= String(err);
      }
    }
  }),
);
const elapsedMs = performance.now() - started;
agent.destroy();
const result = latencies.slice(0, count);
parentPort.postMessage({ latencies: result, count, failures, firstFailure, statuses, elapsedMs }, [
  result.buffer,
]);
