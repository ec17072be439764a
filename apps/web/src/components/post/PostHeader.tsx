import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Avatar } from '#/components/Avatar';
import type { Post } from '#/state/queries/posts';

/**
 * Who shared a post: avatar and names, linking to the profile. `children` go at the end of
 * the row (the time in the feed, the author's actions on the post page).
 */
export function PostHeader({ post, children }: { post: Post; children?: ReactNode }) {
  const { author } = post;
  return (
    <header className="flex items-center gap-3 px-4 py-3">
      <Link to={`/u/${author.username}`} className="flex min-w-0 flex-1 items-center gap-3 rounded-lg">
        <Avatar user={author} size="sm" />
        <span className="min-w-0 leading-tight">
          <span className="block truncate text-sm font-semibold">
            {author.displayName || author.username}
          </span>
          <span className="block truncate text-xs text-muted">@{author.username}</span>
        </span>
      </Link>
      {children}
    </header>
  );
}
