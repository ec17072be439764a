import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import { updatePostEverywhere } from '#/state/mutations/post-cache';
import { commentKeys, type Comment, type CommentPage } from '#/state/queries/comments';
import type { Post } from '#/state/queries/posts';

export interface NewComment {
  body: string;
  /** One per attempt: a retry after a lost answer must not comment twice. */
  idempotencyKey: string;
}

export interface CommentDeletion {
  comment: Comment;
  idempotencyKey: string;
}

/** Comments a post; the comment joins the end of the list and the counts change everywhere. */
export function useCreateCommentMutation(post: Post) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: NewComment) =>
      unwrap(
        api.POST('/api/posts/{id}/comments', {
          body: { body },
          params: { path: { id: post.id }, header: { 'Idempotency-Key': idempotencyKey } },
        }),
      ),
    onSuccess: ({ comment, commentCount }) => {
      // Oldest first: a new comment belongs after every one loaded (a later page that brings
      // it again is deduplicated by `itemsOf`).
      queryClient.setQueryData<InfiniteData<CommentPage>>(commentKeys.byPost(post.id), (data) => {
        if (!data || data.pages.length === 0) return data;
        const last = data.pages.length - 1;
        return {
          ...data,
          pages: data.pages.map((page, index) =>
            index === last ? { ...page, items: [...page.items, comment] } : page,
          ),
        };
      });
      updatePostEverywhere(queryClient, post.id, (current) => ({ ...current, commentCount }));
    },
  });
}

/** Deletes a comment (yours, or any on your post); gone from the list, one fewer in the counts. */
export function useDeleteCommentMutation(post: Post) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ comment, idempotencyKey }: CommentDeletion) =>
      unwrap(
        api.DELETE('/api/comments/{id}', {
          params: { path: { id: comment.id }, header: { 'Idempotency-Key': idempotencyKey } },
        }),
      ),
    onSuccess: (_, { comment }) => {
      let removed = false;
      queryClient.setQueryData<InfiniteData<CommentPage>>(commentKeys.byPost(post.id), (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                items: page.items.filter((item) => {
                  if (item.id !== comment.id) return true;
                  removed = true;
                  return false;
                }),
              })),
            }
          : data,
      );
      if (removed) {
        updatePostEverywhere(queryClient, post.id, (current) => ({
          ...current,
          commentCount: Math.max(0, current.commentCount - 1),
        }));
      }
    },
  });
}
