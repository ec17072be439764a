import { z } from 'zod';

import type { PostService } from '../../generated/glimpse/post/v1/post.js';
import type { Cache } from '../../platform/cache/cache.port.js';
import { idTimestamp } from '../../platform/ids/snowflake.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination/cursor.js';

export interface ExploreRanking {
  /** A page of ranked post ids; the cursor pins the ranking it started on. */
  page(cursor: string | undefined, limit: number): Promise<{ ids: string[]; nextCursor?: string }>;
}

export interface ExploreRankerDeps {
  posts: Pick<PostService, 'listRecentPublished'>;
  /** Engagement counters (`like_count:{postId}`, `comment_count:{postId}`); missing = 0. */
  counters: Pick<Cache, 'getMany'>;
  /** How long a ranking is served before it is recomputed. */
  refreshMs: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
}

/** Posts older than this are not candidates. */
export const EXPLORE_WINDOW_MS = 3 * 24 * 3600 * 1000;
/** Candidates ranked per refresh (the newest ones in the window). */
export const EXPLORE_CANDIDATES = 1000;
/** Gravity of the time decay: a post needs ~2.8x the engagement to keep up when twice as old. */
export const EXPLORE_GRAVITY = 1.5;

interface Ranking {
  version: number;
  ids: string[];
}

const exploreCursor = z.object({ v: z.number().int().nonnegative(), o: z.number().int().nonnegative() });

/**
 * Explore: recent posts from everyone, ranked by engagement with time decay (Hacker News style:
 * (1 + likes + 2 x comments) / (age in hours + 2)^gravity). Computed in this process from
 * PostgreSQL and the Redis counters, kept in memory and recomputed once `refreshMs` old; a cursor
 * carries the version of the ranking it pages through, and the previous ranking is kept so a
 * reader who started on it finishes without duplicates.
 */
export class ExploreRanker implements ExploreRanking {
  private current: Ranking | undefined;
  private previous: Ranking | undefined;
  private refreshing: Promise<Ranking> | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: ExploreRankerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async page(cursor: string | undefined, limit: number): Promise<{ ids: string[]; nextCursor?: string }> {
    const position = cursor === undefined ? undefined : decodeCursor(cursor, exploreCursor);
    const ranking = this.rankingFor(position?.v) ?? (await this.fresh());
    const offset = position?.o ?? 0;
    const ids = ranking.ids.slice(offset, offset + limit);
    const next = offset + limit;
    return next < ranking.ids.length
      ? { ids, nextCursor: encodeCursor({ v: ranking.version, o: next }) }
      : { ids };
  }

  /** Recomputes the ranking now (also what the periodic refresh calls). */
  async refresh(): Promise<Ranking> {
    this.refreshing ??= this.compute().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private rankingFor(version: number | undefined): Ranking | undefined {
    if (version === undefined) return undefined;
    return [this.current, this.previous].find((ranking) => ranking?.version === version);
  }

  /**
   * The current ranking. Once it is older than refreshMs it is recomputed in the background
   * while readers keep getting it (stale while revalidating); only the very first read waits.
   */
  private async fresh(): Promise<Ranking> {
    const current = this.current;
    if (current === undefined) return this.refresh();
    if (this.now().getTime() - current.version >= this.deps.refreshMs) {
      this.refresh().catch((err: unknown) => this.deps.onError?.(err));
    }
    return current;
  }

  private async compute(): Promise<Ranking> {
    const now = this.now();
    const { items } = await this.deps.posts.listRecentPublished({
      since: new Date(now.getTime() - EXPLORE_WINDOW_MS).toISOString(),
      limit: EXPLORE_CANDIDATES,
    });
    const ids = items.map((item) => item.postId);
    const counts = await this.engagement(ids);
    const scored = ids.map((id, index) => {
      // Ids carry their creation time: close enough to publication for a decay in hours.
      const ageHours = Math.max(0, now.getTime() - idTimestamp(id).getTime()) / 3_600_000;
      const { likes, comments } = counts[index] ?? { likes: 0, comments: 0 };
      return { id, score: (1 + likes + 2 * comments) / (ageHours + 2) ** EXPLORE_GRAVITY };
    });
    scored.sort((a, b) => b.score - a.score || (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    // Versions are timestamps: strictly increasing, and they say how old the ranking is.
    const version = Math.max(now.getTime(), (this.current?.version ?? 0) + 1);
    this.previous = this.current;
    this.current = { version, ids: scored.map((entry) => entry.id) };
    return this.current;
  }

  /** Counters from Redis; without Redis every post counts as unengaged (ranked by age). */
  private async engagement(ids: readonly string[]): Promise<{ likes: number; comments: number }[]> {
    if (ids.length === 0) return [];
    try {
      const values = await this.deps.counters.getMany(
        ids.flatMap((id) => [`like_count:${id}`, `comment_count:${id}`]),
      );
      return ids.map((_, index) => ({
        likes: Number(values[2 * index] ?? 0) || 0,
        comments: Number(values[2 * index + 1] ?? 0) || 0,
      }));
    } catch (err) {
      this.deps.onError?.(err);
      return ids.map(() => ({ likes: 0, comments: 0 }));
    }
  }
}
