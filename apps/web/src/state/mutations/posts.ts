import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import { feedKeys } from '#/state/queries/feed';
import { postKeys, postListKeys, type Post, type PostPage } from '#/state/queries/posts';
import { userKeys, type Me, type User } from '#/state/queries/users';

export interface NewPost {
  caption: string;
  mediaIds: string[];
  /** One per attempt to share: a retry after a lost answer must not post twice. */
  idempotencyKey: string;
}

function withPostCount<T extends User | Me>(user: T, delta: number): T {
  return { ...user, postCount: Math.max(0, user.postCount + delta) };
}

/** Shares a post; its page and the author's grid and count know about it at once. */
export function useCreatePostMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ caption, mediaIds, idempotencyKey }: NewPost) =>
      unwrap(
        api.POST('/api/posts', {
          body: { caption, mediaIds },
          params: { header: { 'Idempotency-Key': idempotencyKey } },
        }),
      ),
    onSuccess: (post) => {
      queryClient.setQueryData(postKeys.detail(post.id), post);
      const username = post.author.username;
      void queryClient.invalidateQueries({ queryKey: postKeys.byUser(username) });
      void queryClient.invalidateQueries({ queryKey: userKeys.profile(username) });
      void queryClient.invalidateQueries({ queryKey: userKeys.me() });
      // Published a moment later, it tops the author's own feed: seen on the next visit home.
      void queryClient.invalidateQueries({ queryKey: feedKeys.home(), refetchType: 'none' });
    },
  });
}

/**
 * Deletes one of your posts. The caller moves away from the post first (see `forget`), so
 * nothing on screen asks for it again and meets a 404.
 */
export function useDeletePostMutation(post: Post) {
  const queryClient = useQueryClient();
  const username = post.author.username;
  return useMutation({
    mutationFn: (idempotencyKey: string) =>
      unwrap(
        api.DELETE('/api/posts/{id}', {
          params: { path: { id: post.id }, header: { 'Idempotency-Key': idempotencyKey } },
        }),
      ),
    onSuccess: () => {
      // Gone from every list at once: the grid, the feeds, Explore.
      for (const queryKey of postListKeys()) {
        queryClient.setQueriesData<InfiniteData<PostPage>>({ queryKey }, (data) =>
          data
            ? {
                ...data,
                pages: data.pages.map((page) => ({
                  ...page,
                  items: page.items.filter((item) => item.id !== post.id),
                })),
              }
            : data,
        );
      }
      queryClient.setQueryData<User>(userKeys.profile(username), (user) => user && withPostCount(user, -1));
      queryClient.setQueryData<Me>(userKeys.me(), (me) =>
        me && me.id === post.author.id ? withPostCount(me, -1) : me,
      );
      void queryClient.invalidateQueries({ queryKey: postKeys.byUser(username) });
      // postCount follows post.deleted asynchronously on the server: refetching the profile
      // now could bring back the old count, so the local one stands until the server caught up.
      setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: userKeys.profile(username) }),
        COUNT_SETTLE_MS,
      );
    },
  });
}

/** Comfortably more than the server takes to apply a post event to the author's postCount. */
const COUNT_SETTLE_MS = 5000;

/** Drops a deleted post from the cache, once no screen shows it any more. */
export function useForgetPost() {
  const queryClient = useQueryClient();
  return (id: string) => queryClient.removeQueries({ queryKey: postKeys.detail(id), exact: true });
}
