import { Link } from 'react-router';

import { HeartIcon } from '#/components/icons';
import { useLikeToggle } from '#/state/mutations/like';
import type { Post } from '#/state/queries/posts';
import { useSession } from '#/state/session';

const heart =
  'inline-flex size-10 items-center justify-center rounded-full transition-transform active:scale-90 motion-reduce:transform-none hover:opacity-60 -ml-2';

function ToggleHeart({ post }: { post: Post }) {
  const { liked, toggle } = useLikeToggle(post);
  return (
    <button
      type="button"
      aria-pressed={liked}
      aria-label={liked ? 'Unlike' : 'Like'}
      onClick={toggle}
      className={heart}
    >
      <HeartIcon
        size={26}
        strokeWidth={liked ? 0 : 2}
        fill={liked ? 'currentColor' : 'none'}
        className={liked ? 'text-danger' : ''}
      />
    </button>
  );
}

/** The heart: likes and unlikes at once; signed out, it leads to the login page. */
export function LikeButton({ post }: { post: Post }) {
  const { me } = useSession();
  if (!me || !post.viewer) {
    return (
      <Link to="/login" aria-label="Like" className={heart}>
        <HeartIcon size={26} />
      </Link>
    );
  }
  return <ToggleHeart post={post} />;
}
