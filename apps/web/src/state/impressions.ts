import { useCallback, type RefCallback } from 'react';

import { api, unwrap } from '#/api/client';
import { tokenStore } from '#/api/token-store';
import type { Post } from '#/state/queries/posts';
import { useSession } from '#/state/session';

/** A post is seen when at least half of it (or half the screen's height of it) shows… */
const VISIBLE_SHARE = 0.5;
/** …for at least this long. */
const DWELL_MS = 1000;
/** Seen posts are reported in batches, this often… */
const FLUSH_MS = 5000;
/** …or as soon as this many are waiting. */
const BATCH_SIZE = 50;
/** Steps of visibility at which the observer reports, fine enough to see the half-way mark. */
const THRESHOLDS = Array.from({ length: 11 }, (_, step) => step / 10);

const PATH = '/api/analytics/impressions';

function isVisibleEnough(entry: IntersectionObserverEntry): boolean {
  if (!entry.isIntersecting) return false;
  if (entry.intersectionRatio >= VISIBLE_SHARE) return true;
  // A post taller than twice the screen never shows half of itself, but can fill the screen.
  const screen = entry.rootBounds?.height ?? window.innerHeight;
  return entry.intersectionRect.height >= screen * VISIBLE_SHARE;
}

/**
 * Counts which posts the signed-in person actually saw, for the authors' analytics. The server
 * dedupes per viewer, post and hour, but each post is still reported at most once per page
 * load: scrolling back and forth costs nothing.
 */
class ImpressionTracker {
  /** Reported, or waiting to be, during this page load. */
  private readonly seen = new Set<string>();
  private queue: string[] = [];
  private readonly postIds = new Map<Element, string>();
  /** Elements showing enough right now, with their dwell timer while the page is visible. */
  private readonly showing = new Map<Element, number | undefined>();
  private observer: IntersectionObserver | undefined;
  private flushTimer: number | undefined;

  constructor() {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') {
        // Time with the tab in the background is not time looking at a post.
        for (const element of this.showing.keys()) this.stopDwell(element);
        this.flushBeforeLeaving();
      } else {
        for (const element of this.showing.keys()) this.startDwell(element);
      }
    });
    window.addEventListener('pagehide', () => this.flushBeforeLeaving());
    // Someone else signing in on this page must not inherit the previous person's reports.
    tokenStore.subscribe(() => {
      if (tokenStore.get()) return;
      this.seen.clear();
      this.queue = [];
    });
  }

  /** Watches `element` (showing `postId`) until the returned function is called. */
  observe(element: Element, postId: string): () => void {
    if (this.seen.has(postId) || typeof IntersectionObserver === 'undefined') return () => undefined;
    this.observer ??= new IntersectionObserver((entries) => this.onChange(entries), {
      threshold: THRESHOLDS,
    });
    this.postIds.set(element, postId);
    this.observer.observe(element);
    return () => this.forget(element);
  }

  private onChange(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const element = entry.target;
      if (isVisibleEnough(entry)) {
        if (this.showing.has(element)) continue;
        this.showing.set(element, undefined);
        if (document.visibilityState === 'visible') this.startDwell(element);
      } else if (this.showing.has(element)) {
        this.stopDwell(element);
        this.showing.delete(element);
      }
    }
  }

  private startDwell(element: Element): void {
    if (this.showing.get(element) !== undefined) return;
    const timer = window.setTimeout(() => {
      const postId = this.postIds.get(element);
      this.forget(element);
      if (postId !== undefined) this.record(postId);
    }, DWELL_MS);
    this.showing.set(element, timer);
  }

  private stopDwell(element: Element): void {
    const timer = this.showing.get(element);
    if (timer !== undefined) window.clearTimeout(timer);
    if (this.showing.has(element)) this.showing.set(element, undefined);
  }

  private forget(element: Element): void {
    this.stopDwell(element);
    this.showing.delete(element);
    this.postIds.delete(element);
    this.observer?.unobserve(element);
  }

  private record(postId: string): void {
    if (this.seen.has(postId) || !tokenStore.get()) return;
    this.seen.add(postId);
    this.queue.push(postId);
    // The same post may show twice on a page (a grid and its preview): once is enough.
    for (const [element, id] of [...this.postIds]) if (id === postId) this.forget(element);
    if (this.queue.length >= BATCH_SIZE) this.flush();
    else this.flushTimer ??= window.setTimeout(() => this.flush(), FLUSH_MS);
  }

  private takeBatch(): string[] {
    if (this.flushTimer !== undefined) window.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.queue.slice(0, BATCH_SIZE);
    this.queue = this.queue.slice(BATCH_SIZE);
    if (this.queue.length > 0) this.flushTimer = window.setTimeout(() => this.flush(), FLUSH_MS);
    return batch;
  }

  /** Through the API client, which refreshes the access token when it has to. */
  private flush(): void {
    const postIds = this.takeBatch();
    if (postIds.length === 0) return;
    unwrap(api.POST(PATH, { body: { postIds } })).catch(() => {
      // Not counted, so not reported: seeing the post again reports it then.
      for (const postId of postIds) this.seen.delete(postId);
    });
  }

  /**
   * The page is going away (or into the background, where it may be discarded): everything
   * waiting leaves now, in requests that outlive the page. There is no time to refresh the
   * token: with an expired one, the reports wait for the next flush, if there is one.
   */
  private flushBeforeLeaving(): void {
    const tokens = tokenStore.get();
    if (!tokens || tokens.expiresAt <= Date.now()) return;
    for (let postIds = this.takeBatch(); postIds.length > 0; postIds = this.takeBatch()) {
      void fetch(PATH, {
        method: 'POST',
        keepalive: true,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.accessToken}` },
        body: JSON.stringify({ postIds }),
      }).catch(() => undefined);
    }
  }
}

let tracker: ImpressionTracker | undefined;

/**
 * A ref for the element that shows a post (a feed card, a grid tile, the post page), which
 * reports the post as seen once it has been in view long enough. Only for signed-in viewers,
 * published posts, and other people's posts (one's own never count as reach).
 */
export function useImpressionRef<T extends Element>(post: Post): RefCallback<T> {
  const { me } = useSession();
  const counts = me !== undefined && post.status === 'published' && post.author.id !== me.id;
  const { id } = post;
  return useCallback(
    (element: T | null) => {
      if (!element || !counts) return undefined;
      tracker ??= new ImpressionTracker();
      return tracker.observe(element, id);
    },
    [id, counts],
  );
}
