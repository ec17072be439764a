import { LikeButton } from '#/components/post/LikeButton';
import { formatCount, plural } from '#/lib/format';
import type { Post } from '#/state/queries/posts';

/**
 * The heart, and beside it "12 likes · 3 comments" (read as "12 likes, 3 comments"). The
 * counts follow the heart at once: they come from the same cached post.
 */
export function PostCounts({ post }: { post: Post }) {
  return (
    <div className="flex items-center gap-1">
      <LikeButton post={post} />
      <p className="text-sm">
        <span className="font-semibold">{formatCount(post.likeCount)}</span>{' '}
        {plural(post.likeCount, 'like', 'likes')}
        <span className="sr-only">,</span>{' '}
        <span aria-hidden="true" className="text-muted">
          ·
        </span>{' '}
        <span className="font-semibold">{formatCount(post.commentCount)}</span>{' '}
        {plural(post.commentCount, 'comment', 'comments')}
      </p>
    </div>
  );
}
