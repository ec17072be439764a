import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';

type PostPage = components['schemas']['PostPage'];

/** A feed card is about a screen tall: ten make a quick first answer and several screens of scrolling. */
export const FEED_PAGE_SIZE = 10;
/** A multiple of three: the Explore grid fills whole rows. */
export const EXPLORE_PAGE_SIZE = 24;

export const feedKeys = {
  all: ['feed'] as const,
  /** The signed-in person's home feed (one per session: the cache is cleared on logout). */
  home: () => [...feedKeys.all, 'home'] as const,
  explore: () => [...feedKeys.all, 'explore'] as const,
};

function homeFeedQuery() {
  return infiniteQueryOptions({
    queryKey: feedKeys.home(),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/feed', { params: { query: { limit: FEED_PAGE_SIZE, cursor: pageParam } }, signal }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage: PostPage) => lastPage.nextCursor ?? undefined,
  });
}

/**
 * The home feed, newest first, a page (10) at a time. The server's cursors stay valid while
 * new posts arrive, so scrolling on never repeats or skips a post.
 */
export function useHomeFeedInfiniteQuery() {
  return useInfiniteQuery(homeFeedQuery());
}

function exploreQuery() {
  return infiniteQueryOptions({
    queryKey: feedKeys.explore(),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/explore', {
          params: { query: { limit: EXPLORE_PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage: PostPage) => lastPage.nextCursor ?? undefined,
  });
}

/**
 * Recent popular posts from everyone, a page (24) at a time; signed in or not. The empty home
 * feed shows its first tiles, so opening Explore afterwards is instant.
 */
export function useExploreInfiniteQuery() {
  return useInfiniteQuery(exploreQuery());
}
