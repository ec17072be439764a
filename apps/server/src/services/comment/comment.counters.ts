import type { Cache } from '../../platform/cache/cache.port.js';
import { parseCounter, type CounterBump, type CounterCheck } from '../../platform/cache/counter.js';
import { asError, DomainError, safeErrorListener } from '../../platform/errors.js';
import { commentCountKey } from './comment.keys.js';
import { COMMENT_COUNT_TTL_MS } from './comment.rules.js';
import type { CommentsRepository } from './comments.repository.js';

/**
 * The comment counters in Redis (`comment_count:{postId}`): derived from PostgreSQL, best
 * effort. Cache failures are reported to `onError` and answered from PostgreSQL, so comments
 * keep working while Redis is down.
 *
 * A counter exists once it was built from COUNT(*), and from then on moves by one per comment
 * made or deleted (incrByIfExists: a missing counter is never started from zero by an
 * increment, which would count only the comments since). A rebuild racing a comment that
 * committed just before it can count that comment twice or not at all; such drift stays within
 * one per racing comment and is repaired by reconcile, which checks exactly the posts commented
 * on recently, and at the latest when the counter expires (increments keep the TTL).
 */
export class CommentCounters {
  constructor(
    private readonly cache: Cache,
    private readonly comments: Pick<CommentsRepository, 'countLive'>,
    private readonly onError: (err: Error) => void,
    private readonly ttlMs: number = COMMENT_COUNT_TTL_MS,
  ) {}

  /** After a comment was made (+1) or deleted (-1) and committed: moves the counter if it exists. */
  async bump(postId: string, delta: 1 | -1): Promise<CounterBump> {
    try {
      const value = await this.cache.incrByIfExists(commentCountKey(postId), delta);
      return value === null ? { outcome: 'missing' } : { outcome: 'counted', value };
    } catch (err) {
      this.report(err);
      return { outcome: 'failed' };
    }
  }

  /**
   * The post's comment count after a change that `bump` reported: the counter's new value, or
   * COUNT(*) when there was none (then cached where still absent) or the cache failed.
   */
  async after(postId: string, bump: CounterBump): Promise<number> {
    if (bump.outcome === 'counted') return Math.max(0, bump.value);
    const [count] = (await this.fromDatabase([postId])).values();
    if (bump.outcome === 'missing') await this.fill(new Map([[postId, count ?? 0]]), new Set());
    return count ?? 0;
  }

  /**
   * The comment counts of `postIds`: counters read in one round trip, the missing ones counted
   * in PostgreSQL in one grouped query and cached (only where still absent, so a counter built
   * or moved meanwhile is kept). Without a working cache, everything comes from PostgreSQL.
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
      const parsed = value === null ? undefined : parseCounter(value);
      if (parsed !== undefined) counts.set(postId, Math.max(0, parsed));
      else {
        missing.push(postId);
        if (value !== null) {
          unreadable.add(postId);
          this.report(new Error(`Unreadable comment counter under ${commentCountKey(postId)}`));
        }
      }
    }
    if (missing.length === 0) return counts;
    const rebuilt = await this.fromDatabase(missing);
    for (const [postId, count] of rebuilt) counts.set(postId, count);
    await this.fill(rebuilt, unreadable);
    return counts;
  }

  /**
   * Compares the existing counters of `postIds` with COUNT(*) and repairs those that differ.
   * Missing counters are not checked: the next read builds them. Rejects with an `unavailable`
   * DomainError when the cache fails (the failure itself going to onError), as there is nothing
   * to compare then; database errors are passed on as they are.
   *
   * A drifted counter is moved by the difference (incrByIfExists) rather than overwritten: a
   * comment committed between the COUNT and the repair bumps the counter either way, and an
   * overwrite would erase that bump while a relative repair keeps it. Only a counter that is not
   * a number is overwritten.
   */
  async reconcile(postIds: readonly string[]): Promise<CounterCheck> {
    const check: CounterCheck = { checked: 0, drifted: 0, drift: 0 };
    const unique = [...new Set(postIds)];
    if (unique.length === 0) return check;
    const values = await this.strictly(() => this.cache.getMany(unique.map(commentCountKey)));
    const existing = unique.flatMap((postId, index) => {
      const value = values[index] ?? null;
      return value === null ? [] : [{ postId, value }];
    });
    if (existing.length === 0) return check;
    const truth = await this.fromDatabase(existing.map((counter) => counter.postId));
    const repairs: Promise<unknown>[] = [];
    for (const { postId, value } of existing) {
      check.checked += 1;
      const expected = truth.get(postId) ?? 0;
      const actual = parseCounter(value);
      if (actual === expected) continue;
      check.drifted += 1;
      // An unreadable counter drifted by the whole count: readers take it for a missing one.
      check.drift += Math.abs((actual ?? 0) - expected);
      const key = commentCountKey(postId);
      repairs.push(
        actual === undefined
          ? this.cache.set(key, String(expected), { ttlMs: this.ttlMs })
          : this.cache.incrByIfExists(key, expected - actual),
      );
    }
    // All sent at once; one failure fails the reconcile, whose next run repairs what is left.
    await this.strictly(() => Promise.all(repairs));
    return check;
  }

  private async strictly<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      this.report(err);
      throw DomainError.unavailable('The comment counters are unavailable');
    }
  }

  /** COUNT(*) for each of `postIds` (0 for posts without comments), without the cache. */
  async fromDatabase(postIds: readonly string[]): Promise<Map<string, number>> {
    const found = await this.comments.countLive(postIds);
    return new Map(postIds.map((postId) => [postId, found.get(postId) ?? 0]));
  }

  /** One GET per counter in one round trip; undefined when the cache failed. */
  private async read(postIds: readonly string[]): Promise<(string | null)[] | undefined> {
    try {
      return await this.cache.getMany(postIds.map(commentCountKey));
    } catch (err) {
      this.report(err);
      return undefined;
    }
  }

  /**
   * Caches rebuilt counts: SET NX with the TTL, one per post, all sent at once (ioredis writes
   * each without waiting for the previous reply). NX because a comment may have built or moved
   * the counter since the COUNT; `overwrite` keys hold something unreadable and are replaced.
   */
  private async fill(counts: ReadonlyMap<string, number>, overwrite: ReadonlySet<string>): Promise<void> {
    const outcomes = await Promise.allSettled(
      [...counts].map(([postId, count]) =>
        this.cache.set(commentCountKey(postId), String(count), {
          ttlMs: this.ttlMs,
          onlyIfAbsent: !overwrite.has(postId),
        }),
      ),
    );
    // One failure stands for the batch: the others failed for the same reason, most likely.
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) this.report(failure.reason);
  }

  /** A failing logger must not fail the comment it reports on. */
  private report(err: unknown): void {
    safeErrorListener(this.onError)(asError(err));
  }
}
