import { Link } from 'react-router';

import { ChartIcon } from '#/components/icons';
import { Skeleton } from '#/components/Skeleton';
import { formatCount } from '#/lib/format';
import { usePostAnalyticsQuery } from '#/state/queries/analytics';
import type { Post } from '#/state/queries/posts';

/** For the author: what the post has earned since it was published, and the way to the rest. */
export function PostInsights({ post }: { post: Post }) {
  const query = usePostAnalyticsQuery(post.id, true);
  const totals = query.data?.totals;
  const figure = (label: string, value: number) => (
    <div className="flex flex-col-reverse justify-end">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="font-semibold tabular-nums">{formatCount(value)}</dd>
    </div>
  );
  return (
    <section aria-labelledby={`insights-${post.id}`} className="mx-4 mb-4 rounded-xl bg-canvas px-3 py-2.5">
      <div className="flex items-center justify-between gap-3">
        <h2 id={`insights-${post.id}`} className="flex items-center gap-1.5 text-sm font-bold">
          <ChartIcon size={16} strokeWidth={2.2} />
          Insights
        </h2>
        <Link
          to="/analytics"
          className="rounded-md text-xs font-semibold text-accent hover:text-accent-hover"
        >
          All analytics
        </Link>
      </div>
      {totals ? (
        <dl className="mt-2 grid grid-cols-3 gap-2 text-sm">
          {figure('Impressions', totals.impressions)}
          {figure('Likes', totals.likes)}
          {figure('Comments', totals.comments)}
        </dl>
      ) : query.isError ? (
        <p className="mt-1.5 text-sm text-muted">Insights aren’t available right now.</p>
      ) : (
        <div role="status" aria-label="Loading insights" className="mt-2 flex gap-4">
          <Skeleton className="h-4 w-24" />
          <Skeleton className="h-4 w-16" />
          <Skeleton className="h-4 w-20" />
        </div>
      )}
    </section>
  );
}
