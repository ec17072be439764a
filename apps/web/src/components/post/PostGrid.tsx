import { Link } from 'react-router';

import { HeartIcon, MessageIcon, StackIcon } from '#/components/icons';
import { MediaImage } from '#/components/media/MediaImage';
import { altTextOf } from '#/components/post/Caption';
import { formatCount } from '#/lib/format';
import { useImpressionRef } from '#/state/impressions';
import type { Post } from '#/state/queries/posts';

/** Three columns of a 935 px page (profile, Explore), or a third of a phone's width. */
const SIZES = '(min-width: 935px) 309px, 33vw';

function StatusBadge({ post }: { post: Post }) {
  if (post.status === 'published') return null;
  const failed = post.status === 'failed';
  return (
    <span
      className={`absolute bottom-1.5 left-1.5 rounded-md px-1.5 py-0.5 text-[11px] font-semibold text-white ${failed ? 'bg-danger' : 'bg-ink/70'}`}
    >
      {failed ? 'Couldn’t publish' : 'Processing'}
    </span>
  );
}

function GridItem({ post, eager }: { post: Post; eager: boolean }) {
  const [first] = post.media;
  const count = post.media.length;
  const impression = useImpressionRef<HTMLLIElement>(post);
  return (
    <li ref={impression}>
      <Link
        to={`/p/${post.id}`}
        className="group relative block aspect-square overflow-hidden bg-soft focus-visible:outline-offset-[-2px]"
      >
        {first && <MediaImage media={first} alt={altTextOf(post)} sizes={SIZES} square eager={eager} />}
        {count > 1 && (
          <span className="absolute top-2 right-2 text-white drop-shadow-[0_1px_2px_rgba(0,0,0,0.5)]">
            <StackIcon size={20} strokeWidth={2.2} />
            <span className="sr-only">, {count} photos</span>
          </span>
        )}
        <StatusBadge post={post} />
        {/* Desktop hover, as on Instagram: the counts over a darkened photo. */}
        <span
          aria-hidden="true"
          className="absolute inset-0 hidden items-center justify-center gap-6 bg-black/30 text-[15px] font-bold text-white md:group-hover:flex"
        >
          <span className="flex items-center gap-1.5">
            <HeartIcon size={20} fill="currentColor" strokeWidth={0} />
            {formatCount(post.likeCount)}
          </span>
          <span className="flex items-center gap-1.5">
            <MessageIcon size={20} fill="currentColor" strokeWidth={0} />
            {formatCount(post.commentCount)}
          </span>
        </span>
      </Link>
    </li>
  );
}

/** Posts as a grid of square tiles, each opening the post (a profile, Explore). */
export function PostGrid({ posts, label }: { posts: readonly Post[]; label: string }) {
  return (
    <ul aria-label={label} className="grid grid-cols-3 gap-0.5 md:gap-1">
      {posts.map((post, index) => (
        <GridItem key={post.id} post={post} eager={index < 6} />
      ))}
    </ul>
  );
}

export function PostGridSkeleton({ tiles = 6, label = 'Loading posts' }: { tiles?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} className="grid grid-cols-3 gap-0.5 md:gap-1">
      {Array.from({ length: tiles }, (_, index) => (
        <span key={index} aria-hidden="true" className="block aspect-square animate-pulse bg-soft" />
      ))}
    </div>
  );
}
