import { randomInt } from 'node:crypto';
import { MAX_WORKER_ID } from './snowflake.js';

/**
 * The configured WORKER_ID, or a random one. Random ids collide between two processes with probability
 * 1/1024 per pair, and a collision only matters if both issue an id in the same millisecond with the same
 * sequence; deployments with many processes should set WORKER_ID explicitly (e.g. from a pod ordinal).
 */
export function resolveWorkerId(
  configured: number | undefined,
  random: (max: number) => number = randomInt,
): number {
  const workerId = configured ?? random(MAX_WORKER_ID + 1);
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
    throw new RangeError(`worker id must be an integer between 0 and ${MAX_WORKER_ID}, got ${workerId}`);
  }
  return workerId;
}
