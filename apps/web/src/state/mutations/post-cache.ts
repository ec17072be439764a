import type { InfiniteData, QueryClient } from '@tanstack/react-query';

import { postKeys, postListKeys, type Post, type PostPage } from '#/state/queries/posts';

/**
 * Rewrites every cached copy of one post: its own page, and each feed, Explore and profile
 * grid page that lists it. Likes and comments change a post in place, wherever it shows.
 */
export function updatePostEverywhere(
  queryClient: QueryClient,
  id: string,
  change: (post: Post) => Post,
): void {
  queryClient.setQueryData<Post>(postKeys.detail(id), (post) => post && change(post));
  for (const queryKey of postListKeys()) {
    queryClient.setQueriesData<InfiniteData<PostPage>>({ queryKey }, (data) =>
      data && data.pages.some((page) => page.items.some((item) => item.id === id))
        ? {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.map((item) => (item.id === id ? change(item) : item)),
            })),
          }
        : data,
    );
  }
}
