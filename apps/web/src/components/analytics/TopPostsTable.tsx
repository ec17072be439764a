import { Link } from 'react-router';

import { ImageIcon } from '#/components/icons';
import { formatCount } from '#/lib/format';
import type { TopPost } from '#/state/queries/analytics';

const number = 'px-2 py-2 text-right tabular-nums sm:px-4';
const first = 'py-2 pr-1 pl-3 text-left sm:px-4';

/** The period's best posts: the photo (opening the post) and what it earned. */
export function TopPostsTable({ posts }: { posts: readonly TopPost[] }) {
  if (posts.length === 0) {
    return <p className="px-4 py-8 text-center text-sm text-muted">No post was seen in this period yet.</p>;
  }
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">Top posts</caption>
      <thead className="text-xs text-muted">
        <tr>
          <th scope="col" className={`${first} font-semibold`}>
            Post
          </th>
          <th scope="col" className={`${number} font-semibold`}>
            Impressions
          </th>
          <th scope="col" className={`${number} font-semibold`}>
            Likes
          </th>
          <th scope="col" className={`${number} font-semibold`}>
            Comments
          </th>
        </tr>
      </thead>
      <tbody>
        {posts.map(({ post, impressions, likes, comments }, index) => (
          <tr key={post.id} className="border-t border-hairline">
            <th scope="row" className={`${first} font-normal`}>
              <Link
                to={`/p/${post.id}`}
                className="inline-flex items-center gap-3 rounded-md hover:opacity-80"
              >
                <span className="flex size-10 shrink-0 items-center justify-center overflow-hidden rounded-md bg-soft text-muted">
                  {post.thumbnailUrl ? (
                    <img src={post.thumbnailUrl} alt="" loading="lazy" className="size-full object-cover" />
                  ) : (
                    <ImageIcon size={20} />
                  )}
                </span>
                <span className="sr-only">Post {index + 1}</span>
              </Link>
            </th>
            <td className={number}>{formatCount(impressions)}</td>
            <td className={number}>{formatCount(likes)}</td>
            <td className={number}>{formatCount(comments)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
