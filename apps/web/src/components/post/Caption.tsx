import { Link } from 'react-router';

import { parseCaption } from '#/lib/caption';
import type { Post } from '#/state/queries/posts';

/** A caption as written, its #hashtags highlighted and its @mentions linking to the profiles. */
export function Caption({ post, className = '' }: { post: Post; className?: string }) {
  const parts = parseCaption(post.caption, post.hashtags, post.mentions);
  return (
    <p className={`text-[15px] leading-snug break-words whitespace-pre-line ${className}`}>
      <Link to={`/u/${post.author.username}`} className="mr-1.5 font-semibold hover:opacity-70">
        {post.author.username}
      </Link>
      {parts.map((part, index) => {
        switch (part.kind) {
          case 'text':
            return <span key={index}>{part.text}</span>;
          case 'hashtag':
            return (
              <span key={index} className="font-medium text-accent-hover">
                {part.text}
              </span>
            );
          case 'mention':
            return (
              <Link
                key={index}
                to={`/u/${part.username}`}
                className="font-medium text-accent-hover hover:underline"
              >
                {part.text}
              </Link>
            );
        }
      })}
    </p>
  );
}

/** Words for a photo's alt text: the caption (shortened), or who shared it. */
export function altTextOf(post: Post, index = 0): string {
  const caption = post.caption.trim().replace(/\s+/g, ' ');
  const by = `Photo by @${post.author.username}`;
  const position = post.media.length > 1 ? ` (${index + 1} of ${post.media.length})` : '';
  if (!caption) return `${by}${position}`;
  const short = caption.length > 140 ? `${Array.from(caption).slice(0, 139).join('')}…` : caption;
  return `${short}${position}`;
}
