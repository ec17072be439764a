import { useState, type KeyboardEvent } from 'react';

import { ChevronLeftIcon, ChevronRightIcon } from '#/components/icons';
import { MediaImage } from '#/components/media/MediaImage';
import { altTextOf } from '#/components/post/Caption';
import { frameRatioOf } from '#/lib/media';
import type { Post } from '#/state/queries/posts';

/** On the post page photos are at most 600 px wide on desktops; a phone shows them edge to edge. */
const POST_PAGE_SIZES = '(min-width: 768px) 600px, 100vw';

const arrow =
  'absolute top-1/2 z-10 flex size-8 -translate-y-1/2 items-center justify-center rounded-full bg-white/90 text-ink shadow-md transition-opacity hover:bg-white disabled:pointer-events-none disabled:opacity-0';

/**
 * The photos of a post. The frame takes the first photo's proportions (between 4:5 and
 * 1.91:1, as Instagram does), known from the start, so nothing moves as images arrive; each
 * photo shows whole inside it. Several photos get previous/next buttons, dots and the arrow
 * keys.
 */
export function PhotoCarousel({
  post,
  sizes = POST_PAGE_SIZES,
  priority = true,
}: {
  post: Post;
  /** The `sizes` of the photos: how wide the carousel is drawn. */
  sizes?: string;
  /** Near the top of the page: load the shown photo and the next one now, not when scrolled to. */
  priority?: boolean;
}) {
  const [index, setIndex] = useState(0);
  const count = post.media.length;
  const current = Math.min(index, count - 1);
  const go = (next: number) => setIndex(Math.max(0, Math.min(count - 1, next)));

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (count < 2) return;
    if (event.key === 'ArrowLeft') go(current - 1);
    else if (event.key === 'ArrowRight') go(current + 1);
    else return;
    event.preventDefault();
  };

  return (
    <section
      aria-roledescription="carousel"
      aria-label={count > 1 ? `Photos, ${count} in all` : 'Photo'}
      onKeyDown={onKeyDown}
      className="relative bg-canvas"
    >
      <div className="relative overflow-hidden" style={{ aspectRatio: frameRatioOf(post.media[0]) }}>
        <div
          className="flex h-full transition-transform duration-300 ease-out motion-reduce:transition-none"
          style={{ transform: `translateX(-${current * 100}%)` }}
        >
          {post.media.map((media, position) => (
            <div
              key={media.id}
              role={count > 1 ? 'group' : undefined}
              aria-roledescription={count > 1 ? 'slide' : undefined}
              aria-label={count > 1 ? `${position + 1} of ${count}` : undefined}
              aria-hidden={position !== current ? true : undefined}
              inert={position !== current}
              className="h-full w-full shrink-0"
            >
              <MediaImage
                media={media}
                alt={altTextOf(post, position)}
                sizes={sizes}
                fit="contain"
                eager={priority && position <= current + 1}
              />
            </div>
          ))}
        </div>
        {count > 1 && (
          <>
            <button
              type="button"
              onClick={() => go(current - 1)}
              disabled={current === 0}
              className={`${arrow} left-3`}
            >
              <ChevronLeftIcon size={18} strokeWidth={2.6} />
              <span className="sr-only">Previous photo</span>
            </button>
            <button
              type="button"
              onClick={() => go(current + 1)}
              disabled={current === count - 1}
              className={`${arrow} right-3`}
            >
              <ChevronRightIcon size={18} strokeWidth={2.6} />
              <span className="sr-only">Next photo</span>
            </button>
            <span
              aria-hidden="true"
              className="absolute top-3 right-3 rounded-full bg-ink/70 px-2 py-0.5 text-xs font-semibold text-white tabular-nums"
            >
              {current + 1}/{count}
            </span>
          </>
        )}
      </div>
      {count > 1 && (
        <div className="flex justify-center gap-1 py-3">
          {post.media.map((media, position) => (
            <button
              key={media.id}
              type="button"
              onClick={() => go(position)}
              aria-current={position === current ? 'true' : undefined}
              className="flex size-4 items-center justify-center rounded-full"
            >
              <span
                className={`block size-1.5 rounded-full transition-colors ${position === current ? 'bg-accent' : 'bg-line'}`}
              />
              <span className="sr-only">Show photo {position + 1}</span>
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
