import type { KeyboardEvent } from 'react';

import { PostCard, PostCardSkeleton } from '#/components/post/PostCard';
import type { Post } from '#/state/queries/posts';

/**
 * The ARIA feed pattern: page down and page up move from card to card (the browser's own
 * scrolling stays for everything outside the cards).
 */
function moveBetweenCards(event: KeyboardEvent<HTMLElement>) {
  if (event.key !== 'PageDown' && event.key !== 'PageUp') return;
  const cards = Array.from(event.currentTarget.querySelectorAll<HTMLElement>(':scope > article'));
  const current = cards.findIndex((card) => card.contains(event.target as Node));
  if (current === -1) return;
  const next = cards[event.key === 'PageDown' ? current + 1 : current - 1];
  if (!next) return;
  event.preventDefault();
  next.focus();
}

/** Posts one under another, as cards: the home feed. */
export function PostFeed({ posts, label, busy }: { posts: readonly Post[]; label: string; busy: boolean }) {
  return (
    <div
      role="feed"
      aria-label={label}
      aria-busy={busy}
      onKeyDown={moveBetweenCards}
      className="space-y-3 sm:space-y-6"
    >
      {posts.map((post, index) => (
        <PostCard key={post.id} post={post} position={index + 1} priority={index === 0} />
      ))}
    </div>
  );
}

export function PostFeedSkeleton({ cards = 2, label = 'Loading posts' }: { cards?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-3 sm:space-y-6">
      {Array.from({ length: cards }, (_, index) => (
        <PostCardSkeleton key={index} />
      ))}
    </div>
  );
}
