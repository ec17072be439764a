import type { Cache } from '../../platform/cache/cache.port.js';

/** What is kept per user and key: the request's fingerprint and, once done, its response. */
export type IdempotencyRecord =
  | { state: 'in-flight'; fingerprint: string }
  | { state: 'done'; fingerprint: string; status: number; contentType: string | undefined; body: string };

/** Responses are kept for a day, as API.md promises. */
const DONE_TTL_MS = 24 * 60 * 60_000;
/**
 * A claim whose request never finished (the process died) must not block the key for a
 * day: it lapses after a minute, far beyond any request deadline.
 */
const IN_FLIGHT_TTL_MS = 60_000;

export class IdempotencyStore {
  constructor(private readonly cache: Cache) {}

  private key(scope: string, key: string): string {
    // The scope is the hash tag: one user's keys live in one Redis Cluster slot.
    return `idempotency:{${scope}}:${key}`;
  }

  /**
   * Claims the key for a new request; false when someone holds it already. `ttlMs` is for
   * requests that may legitimately run longer than the usual claim (uploads).
   */
  claim(scope: string, key: string, fingerprint: string, ttlMs = IN_FLIGHT_TTL_MS): Promise<boolean> {
    const record: IdempotencyRecord = { state: 'in-flight', fingerprint };
    return this.cache.set(this.key(scope, key), JSON.stringify(record), {
      onlyIfAbsent: true,
      ttlMs,
    });
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const raw = await this.cache.get(this.key(scope, key));
    return raw === null ? null : (JSON.parse(raw) as IdempotencyRecord);
  }

  async complete(
    scope: string,
    key: string,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void> {
    await this.cache.set(this.key(scope, key), JSON.stringify(record), { ttlMs: DONE_TTL_MS });
  }

  /** Frees the key so that a retry runs again (after a server-side failure). */
  async release(scope: string, key: string): Promise<void> {
    await this.cache.del(this.key(scope, key));
  }
}
