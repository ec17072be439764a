import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

import { api, unwrap } from '#/api/client';
import { errorMessage } from '#/api/problem';
import { newIdempotencyKey } from '#/lib/idempotency-key';
import { showToast } from '#/lib/toast';
import { updatePostEverywhere } from '#/state/mutations/post-cache';
import { postKeys, type Post } from '#/state/queries/posts';

/**
 * One post's toggles. `server` is what the server last said, `wanted` what the person last
 * asked for; while a request is in flight only `wanted` changes. Shared by every heart of
 * the post (feed card, post page), and outlives the component that started it.
 */
interface LikeQueue {
  server: boolean;
  wanted: boolean;
  busy: boolean;
}

const queues = new Map<string, LikeQueue>();

/** The post as the viewer wants it: `viewer.liked` set, and the count moved with it. */
function withLiked(post: Post, liked: boolean): Post {
  if (!post.viewer || post.viewer.liked === liked) return post;
  return {
    ...post,
    viewer: { ...post.viewer, liked },
    likeCount: Math.max(0, post.likeCount + (liked ? 1 : -1)),
  };
}

function sendLike(id: string, liked: boolean) {
  // A fresh key per request: each one is a new intention, not a retry of the previous one.
  const params = { path: { id }, header: { 'Idempotency-Key': newIdempotencyKey() } };
  return unwrap(
    liked ? api.PUT('/api/posts/{id}/like', { params }) : api.DELETE('/api/posts/{id}/like', { params }),
  );
}

/**
 * Sends requests until the server holds the last wanted state (Bluesky's toggle queue):
 * like, unlike, like tapped quickly while the first request travels costs two requests,
 * not three, and never leaves the server behind the screen.
 */
async function drain(queryClient: QueryClient, id: string, queue: LikeQueue): Promise<void> {
  queue.busy = true;
  let likeCount: number | undefined;
  try {
    while (queue.wanted !== queue.server) {
      const result = await sendLike(id, queue.wanted);
      queue.server = result.liked;
      likeCount = result.likeCount;
    }
    if (likeCount !== undefined) {
      const count = likeCount;
      // Settled: the server's own count replaces the local guess.
      updatePostEverywhere(queryClient, id, (post) =>
        post.viewer ? { ...post, likeCount: count, viewer: { ...post.viewer, liked: queue.server } } : post,
      );
    }
  } catch (error) {
    const wanted = queue.wanted;
    queue.wanted = queue.server;
    updatePostEverywhere(queryClient, id, (post) => withLiked(post, queue.server));
    showToast(`Couldn’t ${wanted ? 'like' : 'unlike'} the post. ${errorMessage(error)}`, 'error');
  } finally {
    queue.busy = false;
    queues.delete(id);
  }
}

export interface LikeToggle {
  liked: boolean;
  likeCount: number;
  /** Flips the heart. */
  toggle: () => void;
  /** Likes (a double tap on the photo): never takes a like back. */
  like: () => void;
}

/**
 * Likes and unlikes `post`. The heart answers at once in every cached copy of the post;
 * the server is brought to the last wanted state one request at a time, and a failure puts
 * the last state the server confirmed back, with a toast.
 */
export function useLikeToggle(post: Post): LikeToggle {
  const queryClient = useQueryClient();
  const liked = post.viewer?.liked ?? false;
  const { id } = post;

  const want = useCallback(
    (next: (current: boolean) => boolean) => {
      let queue = queues.get(id);
      if (!queue) {
        queue = { server: liked, wanted: liked, busy: false };
        queues.set(id, queue);
      }
      const wanted = next(queue.wanted);
      if (wanted === queue.wanted && queue.busy) return;
      queue.wanted = wanted;
      // A refetch landing now would bring back the state from before this tap.
      void queryClient.cancelQueries({ queryKey: postKeys.detail(id) });
      updatePostEverywhere(queryClient, id, (current) => withLiked(current, wanted));
      if (!queue.busy) void drain(queryClient, id, queue);
    },
    [queryClient, id, liked],
  );

  return {
    liked,
    likeCount: post.likeCount,
    toggle: useCallback(() => want((current) => !current), [want]),
    like: useCallback(() => want(() => true), [want]),
  };
}
