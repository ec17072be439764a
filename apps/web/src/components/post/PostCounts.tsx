import { formatCount, plural } from '#/lib/format';
import type { Post } from '#/state/queries/posts';

/** "12 likes · 3 comments" (read as "12 likes, 3 comments"). */
export function PostCounts({ post }: { post: Post }) {
  return (
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
  );
}
