import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';

export type Comment = components['schemas']['Comment'];
export type CommentPage = components['schemas']['CommentPage'];

/** Enough to read a conversation's start without a long wait; "Load more" brings the rest. */
export const COMMENT_PAGE_SIZE = 20;

export const commentKeys = {
  all: ['comments'] as const,
  byPost: (postId: string) => [...commentKeys.all, postId] as const,
};

function commentsQuery(postId: string) {
  return infiniteQueryOptions({
    queryKey: commentKeys.byPost(postId),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/posts/{id}/comments', {
          params: { path: { id: postId }, query: { limit: COMMENT_PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage: CommentPage) => lastPage.nextCursor ?? undefined,
  });
}

/** A post's comments, oldest first, a page (20) at a time. */
export function useCommentsInfiniteQuery(postId: string) {
  return useInfiniteQuery(commentsQuery(postId));
}
