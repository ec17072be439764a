import { Link } from 'react-router';

import { ChartIcon } from '#/components/icons';
import { Skeleton } from '#/components/Skeleton';
import { formatCount } from '#/lib/format';
import { useMyAnalyticsQuery } from '#/state/queries/analytics';

const DAYS = 7;

/** The home page's side card: the last week in three figures, and the way to the rest. */
export function WeekAtAGlance() {
  const query = useMyAnalyticsQuery(DAYS);
  const totals = query.data?.totals;
  if (query.isError) return null;
  const figures = totals
    ? [
        { label: 'Impressions', value: totals.impressions },
        { label: 'Likes', value: totals.likes },
        { label: 'New followers', value: totals.followersGained },
      ]
    : [];
  return (
    <section aria-labelledby="week-at-a-glance" className="rounded-2xl border border-hairline p-5">
      <div className="flex items-center justify-between gap-3">
        <h2 id="week-at-a-glance" className="text-sm font-bold">
          Your last {DAYS} days
        </h2>
        <Link
          to="/analytics?days=7"
          className="flex items-center gap-1 rounded-md text-xs font-semibold text-accent hover:text-accent-hover"
        >
          <ChartIcon size={14} strokeWidth={2.4} />
          Analytics
        </Link>
      </div>
      {totals ? (
        <dl className="mt-4 grid grid-cols-3 gap-2">
          {figures.map(({ label, value }) => (
            <div key={label} className="flex flex-col-reverse justify-end">
              <dt className="text-xs leading-tight text-muted">{label}</dt>
              <dd className="text-lg font-extrabold tabular-nums">{formatCount(value)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <div role="status" aria-label="Loading your last 7 days" className="mt-4 grid grid-cols-3 gap-2">
          {Array.from({ length: 3 }, (_, index) => (
            <span key={index} className="space-y-1.5">
              <Skeleton className="h-5 w-10" />
              <Skeleton className="h-3 w-14" />
            </span>
          ))}
        </div>
      )}
    </section>
  );
}
