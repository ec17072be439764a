import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';
import { feedKeys } from '#/state/queries/feed';

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
  byUsers: () => [...postKeys.all, 'user'] as const,
  byUser: (username: string) => [...postKeys.byUsers(), canonical(username)] as const,
};

/** Every cached list of posts: the feeds and the profile grids. */
export const postListKeys = () => [feedKeys.all, postKeys.byUsers()] as const;

/** A post already loaded in some list, to show at once while the post itself is asked for. */
function listedPost(queryClient: QueryClient, id: string): Post | undefined {
  for (const queryKey of postListKeys()) {
    for (const [, data] of queryClient.getQueriesData<InfiniteData<PostPage>>({ queryKey })) {
      for (const page of data?.pages ?? []) {
        const post = page.items.find((item) => item.id === id);
        if (post) return post;
      }
    }
  }
  return undefined;
}

export function postQuery(id: string) {
  return queryOptions({
    queryKey: postKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/posts/{id}', { params: { path: { id } }, signal })),
    // Pending becomes published (or failed) on its own once the photos are processed.
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? POST_POLL_MS : false),
  });
}

/**
 * One post; asked again every second while it is pending. Opened from a feed or a grid, it
 * shows what the list already has while the fresh copy loads.
 */
export function usePostQuery(id: string) {
  const queryClient = useQueryClient();
  return useQuery({ ...postQuery(id), placeholderData: () => listedPost(queryClient, id) });
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
