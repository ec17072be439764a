import type { Cache } from '../../platform/cache/cache.port.js';

/**
 * The fanout's last measured lag (publication to fanout, in seconds), shared through the cache
 * so that any process can show it to operators: fanout workers measure it, the analytics
 * service reports it. One key, overwritten at most once a second per worker.
 */
export const FANOUT_LAG_KEY = 'stats:fanout_lag';
/** A figure older than this says nothing about the fanout now: it is not reported. */
const FANOUT_LAG_TTL_MS = 10 * 60 * 1000;
const WRITE_INTERVAL_MS = 1000;

/** Records lag measurements, writing the newest to the cache at most once a second. */
export class FanoutLagRecorder {
  private lastWrite = 0;

  constructor(
    private readonly cache: Pick<Cache, 'set'>,
    private readonly onError: (err: Error) => void,
    private readonly now: () => number = Date.now,
  ) {}

  record(seconds: number): void {
    const now = this.now();
    if (now - this.lastWrite < WRITE_INTERVAL_MS) return;
    this.lastWrite = now;
    this.cache.set(FANOUT_LAG_KEY, String(seconds), { ttlMs: FANOUT_LAG_TTL_MS }).catch(this.onError);
  }
}

/** The last recorded lag, or undefined when none was recorded lately. */
export async function readFanoutLag(cache: Pick<Cache, 'get'>): Promise<number | undefined> {
  const value = await cache.get(FANOUT_LAG_KEY);
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds : undefined;
}
