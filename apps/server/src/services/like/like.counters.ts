import type { Cache } from '../../platform/cache/cache.port.js';
import { parseCounter, type CounterBump, type CounterCheck } from '../../platform/cache/counter.js';
import { asError, safeErrorListener } from '../../platform/errors.js';
import { likeCountKey, userLikesKey } from './like.keys.js';
import { LIKE_COUNT_TTL_MS } from './like.rules.js';
import type { LikesRepository } from './likes.repository.js';

/**
 * The like counters in Redis (`like_count:{postId}`) and the users' liked sets
 * (`user_likes:{userId}`): derived from `likes.like_dedup`, best effort. Every cache failure is
 * reported to `onError` and answered from PostgreSQL, so likes keep working while Redis is down.
 *
 * A counter exists once it was built from COUNT(*), and from then on moves by one per like or
 * unlike that committed (incrByIfExists: a missing counter is never started from zero by an
 * increment, which would count only the likes since). A rebuild racing a like that committed
 * just before it counts that like twice (COUNT, SET, then the like's increment) or not at all
 * (the increment finds no counter, the SET carries a COUNT taken before the commit). Such drift
 * needs a rebuild to meet a like within a round trip, stays within one per racing like, and is
 * repaired by Reconcile, which checks exactly the posts liked recently, and at the latest when the
 * counter expires (LIKE_COUNT_TTL_MS; increments keep the TTL).
 */
export class LikeCounters {
  constructor(
    private readonly cache: Cache | undefined,
    private readonly likes: Pick<LikesRepository, 'countLikes'>,
    private readonly onError: (err: Error) => void,
    private readonly ttlMs: number = LIKE_COUNT_TTL_MS,
  ) {}

  /**
   * After a like (+1) or an unlike (-1) committed: moves the post's counter when it exists and
   * adds the post to (or removes it from) the user's liked set, both in one round trip.
   */
  async applied(userId: string, postId: string, delta: 1 | -1): Promise<CounterBump> {
    if (this.cache === undefined) return { outcome: 'failed' };
    const member = [postId];
    const [counter, likedSet] = await Promise.allSettled([
      this.cache.incrByIfExists(likeCountKey(postId), delta),
      delta > 0
        ? this.cache.sAdd(userLikesKey(userId), member)
        : this.cache.sRem(userLikesKey(userId), member),
    ]);
    if (likedSet.status === 'rejected' && counter.status === 'fulfilled') this.report(likedSet.reason);
    if (counter.status === 'rejected') {
      this.report(counter.reason);
      return { outcome: 'failed' };
    }
    return counter.value === null ? { outcome: 'missing' } : { outcome: 'counted', value: counter.value };
  }

  /**
   * The like counts of `postIds`: counters read in one round trip, the missing ones counted in
   * PostgreSQL in one grouped query and cached (only where still absent, so a counter built or
   * moved meanwhile is kept). Without a working cache, everything comes from PostgreSQL.
   */
  async counts(postIds: readonly string[]): Promise<Map<string, number>> {
    const unique = [...new Set(postIds)];
    const counts = new Map<string, number>();
    if (unique.length === 0) return counts;
    const values = await this.read(unique);
    if (values === undefined) return this.fromDatabase(unique);

    const missing: string[] = [];
    const unreadable = new Set<string>();
    for (const [index, postId] of unique.entries()) {
      const value = values[index] ?? null;
      const parsed = value === null ? undefined : parseCount(value);
      if (parsed !== undefined) counts.set(postId, parsed);
      else {
        missing.push(postId);
        if (value !== null) {
          unreadable.add(postId);
          this.report(new Error(`Unreadable like counter under ${likeCountKey(postId)}`));
        }
      }
    }
    if (missing.length === 0) return counts;
    for (const [postId, count] of await this.rebuild(missing, unreadable)) counts.set(postId, count);
    return counts;
  }

  /**
   * Counts `postIds` in PostgreSQL (one grouped query) and caches the counts where no counter
   * exists (or, for `overwrite`, over whatever unreadable value is there).
   */
  async rebuild(
    postIds: readonly string[],
    overwrite: ReadonlySet<string> = new Set(),
  ): Promise<Map<string, number>> {
    const counts = await this.fromDatabase(postIds);
    await this.fill(counts, overwrite);
    return counts;
  }

  /** COUNT(*) for each of `postIds` (0 for posts nobody likes), without the cache. */
  async fromDatabase(postIds: readonly string[]): Promise<Map<string, number>> {
    const found = await this.likes.countLikes(postIds);
    return new Map(postIds.map((postId) => [postId, found.get(postId) ?? 0]));
  }

  /**
   * Compares the existing counters of `postIds` with COUNT(*) and overwrites those that differ
   * (resetting their TTL). Missing counters are not checked: the next read builds them. Rejects
   * when the cache cannot be read, as there is nothing to compare then.
   */
  async reconcile(postIds: readonly string[]): Promise<CounterCheck> {
    const check: CounterCheck = { checked: 0, drifted: 0, drift: 0 };
    const cache = this.cache;
    const unique = [...new Set(postIds)];
    if (cache === undefined || unique.length === 0) return check;
    const values = await cache.getMany(unique.map(likeCountKey));
    const existing = unique.flatMap((postId, index) => {
      const value = values[index] ?? null;
      return value === null ? [] : [{ postId, value }];
    });
    if (existing.length === 0) return check;
    const truth = await this.fromDatabase(existing.map((counter) => counter.postId));
    const repairs: { key: string; value: string; ttlMs: number }[] = [];
    for (const { postId, value } of existing) {
      check.checked += 1;
      const expected = truth.get(postId) ?? 0;
      const actual = parseCount(value, { raw: true });
      if (actual === expected) continue;
      check.drifted += 1;
      // An unreadable counter drifted by the whole count: readers take it for a missing one.
      check.drift += Math.abs((actual ?? 0) - expected);
      repairs.push({ key: likeCountKey(postId), value: String(expected), ttlMs: this.ttlMs });
    }
    if (repairs.length > 0) await cache.setMany(repairs);
    return check;
  }

  /** One GET per counter in one round trip; undefined when the cache failed. */
  private async read(postIds: readonly string[]): Promise<(string | null)[] | undefined> {
    if (this.cache === undefined) return undefined;
    try {
      return await this.cache.getMany(postIds.map(likeCountKey));
    } catch (err) {
      this.report(err);
      return undefined;
    }
  }

  /**
   * Caches rebuilt counts: SET NX, one per post, all sent at once (ioredis writes each without
   * waiting for the previous reply). NX because a like may have built or moved the counter since
   * the COUNT; `overwrite` keys hold something unreadable and are replaced.
   */
  private async fill(counts: ReadonlyMap<string, number>, overwrite: ReadonlySet<string>): Promise<void> {
    const cache = this.cache;
    if (cache === undefined) return;
    const outcomes = await Promise.allSettled(
      [...counts].map(([postId, count]) =>
        cache.set(likeCountKey(postId), String(count), {
          ttlMs: this.ttlMs,
          onlyIfAbsent: !overwrite.has(postId),
        }),
      ),
    );
    // One failure stands for the batch: the others failed for the same reason, most likely.
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) this.report(failure.reason);
  }

  /** A failing logger must not fail the like it reports on. */
  private report(err: unknown): void {
    safeErrorListener(this.onError)(asError(err));
  }
}

/**
 * A counter's value as a count: undefined when it is not an integer. Counts shown are never
 * negative (a counter that drifted below zero shows 0 until reconciled); `raw` keeps the sign,
 * for reconciliation.
 */
function parseCount(value: string, options: { raw?: boolean } = {}): number | undefined {
  const count = parseCounter(value);
  return count === undefined || options.raw ? count : Math.max(0, count);
}
