import type { Cache } from '../../platform/cache/cache.port.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Fixed-window counters on the cache port: one atomic INCR per request and key, the window
 * starting with the key's first request and ending when the key expires. Cheap enough for
 * every request, and the keys clean up after themselves.
 */
export class RateLimiter {
  constructor(private readonly cache: Cache) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const { value, ttlMs } = await this.cache.incrBy(`ratelimit:{${key}}`, 1, windowMs);
    return decision(value, limit, ttlMs ?? windowMs);
  }

  /** Reads a counter without counting (for limits on failures rather than attempts). */
  async peek(key: string, limit: number): Promise<RateLimitDecision> {
    const current = Number((await this.cache.get(key)) ?? 0);
    const ttlMs = (await this.cache.ttl(key)) ?? 0;
    return decision(current + 1, limit, ttlMs);
  }

  async count(key: string, windowMs: number): Promise<void> {
    await this.cache.incrBy(key, 1, windowMs);
  }
}

function decision(count: number, limit: number, ttlMs: number): RateLimitDecision {
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
  };
}
