import { Link } from 'react-router';

import { Skeleton } from '#/components/Skeleton';
import { Caption } from '#/components/post/Caption';
import { LikeablePhotos } from '#/components/post/LikeablePhotos';
import { PhotoCarousel } from '#/components/post/PhotoCarousel';
import { PostCounts } from '#/components/post/PostCounts';
import { PostHeader } from '#/components/post/PostHeader';
import { formatFullDate, formatRelativeTime } from '#/lib/format';
import { useImpressionRef } from '#/state/impressions';
import type { Post } from '#/state/queries/posts';

/** Feed cards are 470 px wide from the small breakpoint up, edge to edge on phones. */
const CARD_SIZES = '(min-width: 640px) 470px, 100vw';

const card = 'overflow-hidden border-b border-hairline bg-white sm:rounded-2xl sm:border';

/** When it was shared, linking to the post's own page. */
function PostTimeLink({ post }: { post: Post }) {
  return (
    <Link
      to={`/p/${post.id}`}
      className="shrink-0 rounded-md text-sm text-muted transition-colors hover:text-ink"
    >
      <span className="sr-only">Posted </span>
      <time dateTime={post.createdAt} title={formatFullDate(post.createdAt)}>
        {formatRelativeTime(post.createdAt)}
      </time>
    </Link>
  );
}

/**
 * A post in a feed: who and when, the photos (their frame sized before they load, so the
 * feed never jumps; a double tap likes), the heart and counts, and the caption. An article of an ARIA feed: focusable, with
 * its place in the list.
 */
export function PostCard({
  post,
  position,
  priority = false,
}: {
  post: Post;
  /** 1-based place in the feed (`aria-posinset`). */
  position: number;
  /** The first card: its photo loads at once rather than lazily. */
  priority?: boolean;
}) {
  const captionId = `post-${post.id}-caption`;
  const impression = useImpressionRef<HTMLElement>(post);
  return (
    <article
      ref={impression}
      tabIndex={0}
      aria-label={`Post by @${post.author.username}`}
      aria-describedby={post.caption ? captionId : undefined}
      aria-posinset={position}
      // The feed grows as it is scrolled: its length is not known.
      aria-setsize={-1}
      className={`${card} focus-visible:outline-offset-0`}
    >
      <PostHeader post={post}>
        <PostTimeLink post={post} />
      </PostHeader>
      <LikeablePhotos post={post}>
        <PhotoCarousel post={post} sizes={CARD_SIZES} priority={priority} />
      </LikeablePhotos>
      <div className="space-y-1.5 px-4 pt-1.5 pb-4">
        <PostCounts post={post} />
        {post.caption && (
          <div id={captionId}>
            <Caption post={post} />
          </div>
        )}
      </div>
    </article>
  );
}

/** The shape of a card while it loads. */
export function PostCardSkeleton() {
  return (
    <div aria-hidden="true" className={card}>
      <div className="flex items-center gap-3 px-4 py-3">
        <Skeleton round className="size-8 shrink-0" />
        <span className="flex-1 space-y-1.5">
          <Skeleton className="h-3.5 w-32" />
          <Skeleton className="h-3 w-20" />
        </span>
      </div>
      <span className="block aspect-square animate-pulse bg-soft" />
      <div className="space-y-2 px-4 pt-3 pb-4">
        <Skeleton className="h-3.5 w-36" />
        <Skeleton className="h-3.5 w-full" />
        <Skeleton className="h-3.5 w-2/3" />
      </div>
    </div>
  );
}
