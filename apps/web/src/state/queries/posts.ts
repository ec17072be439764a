import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';

export type Post = components['schemas']['Post'];
export type PostPage = components['schemas']['PostPage'];

/** A multiple of three: the profile grid fills whole rows. */
const PAGE_SIZE = 24;
/** While a post waits for its photos, it is asked about again this often. */
export const POST_POLL_MS = 1000;
/** The profile grid checks on its pending posts more calmly (a whole page each time). */
const GRID_POLL_MS = 2000;

const canonical = (username: string) => username.toLowerCase();

export const postKeys = {
  all: ['posts'] as const,
  detail: (id: string) => [...postKeys.all, 'detail', id] as const,
  byUser: (username: string) => [...postKeys.all, 'user', canonical(username)] as const,
};

export function postQuery(id: string) {
  return queryOptions({
    queryKey: postKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/posts/{id}', { params: { path: { id } }, signal })),
    // Pending becomes published (or failed) on its own once the photos are processed.
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? POST_POLL_MS : false),
  });
}

/** One post; asked again every second while it is pending. */
export function usePostQuery(id: string) {
  return useQuery(postQuery(id));
}

function userPostsQuery(username: string) {
  return infiniteQueryOptions({
    queryKey: postKeys.byUser(username),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/users/{username}/posts', {
          params: { path: { username }, query: { limit: PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage: PostPage) => lastPage.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((post) => post.status === 'pending'))
        ? GRID_POLL_MS
        : false,
  });
}

/** A person's posts, newest first, a page (24) at a time; their own pending ones are polled. */
export function useUserPostsInfiniteQuery(username: string) {
  return useInfiniteQuery(userPostsQuery(username));
}
