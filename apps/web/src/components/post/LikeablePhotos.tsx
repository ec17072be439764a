import { useRef, useState, type PointerEvent, type ReactNode, type SyntheticEvent } from 'react';

import { HeartIcon } from '#/components/icons';
import { useLikeToggle } from '#/state/mutations/like';
import type { Post } from '#/state/queries/posts';

/** Two taps closer than this, in time and in space, are a double tap. */
const DOUBLE_TAP_MS = 300;
const DOUBLE_TAP_PX = 40;

/** A tap on the carousel's own controls (arrows, dots) is not a tap on the photo. */
function onControl(event: SyntheticEvent): boolean {
  return event.target instanceof Element && event.target.closest('button, a') !== null;
}

function DoubleTapArea({ post, children }: { post: Post; children: ReactNode }) {
  const { like } = useLikeToggle(post);
  const [burst, setBurst] = useState(0);
  const lastTap = useRef<{ at: number; x: number; y: number } | undefined>(undefined);

  const likeWithHeart = () => {
    like();
    setBurst((count) => count + 1);
  };

  // Touch screens send no reliable dblclick (and may zoom instead): taps are timed here.
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (event.pointerType !== 'touch' || onControl(event)) return;
    const tap = { at: event.timeStamp, x: event.clientX, y: event.clientY };
    const previous = lastTap.current;
    if (
      previous &&
      tap.at - previous.at < DOUBLE_TAP_MS &&
      Math.hypot(tap.x - previous.x, tap.y - previous.y) < DOUBLE_TAP_PX
    ) {
      lastTap.current = undefined;
      likeWithHeart();
    } else {
      lastTap.current = tap;
    }
  };

  return (
    <div
      className="relative touch-manipulation"
      onPointerUp={onPointerUp}
      onDoubleClick={(event) => {
        if (!onControl(event)) likeWithHeart();
      }}
    >
      {children}
      {burst > 0 && (
        <span
          key={burst}
          aria-hidden="true"
          onAnimationEnd={() => setBurst(0)}
          className="pointer-events-none absolute inset-0 flex items-center justify-center text-white motion-reduce:hidden"
        >
          <HeartIcon
            size={96}
            fill="currentColor"
            strokeWidth={0}
            className="animate-like-burst drop-shadow-[0_2px_12px_rgba(0,0,0,0.35)]"
          />
        </span>
      )}
    </div>
  );
}

/** The photos of a post, liked by a double tap or double click (which never takes a like back). */
export function LikeablePhotos({ post, children }: { post: Post; children: ReactNode }) {
  if (!post.viewer) return <div className="relative">{children}</div>;
  return <DoubleTapArea post={post}>{children}</DoubleTapArea>;
}
