import { useSearchParams } from 'react-router';

import { DailyChart } from '#/components/analytics/DailyChart';
import { TopPostsTable } from '#/components/analytics/TopPostsTable';
import { Skeleton } from '#/components/Skeleton';
import { ErrorState } from '#/components/States';
import { formatCount, plural } from '#/lib/format';
import { formatShortDay } from '#/lib/chart-scale';
import { useTitle } from '#/lib/use-title';
import {
  useMyAnalyticsQuery,
  type AnalyticsTotals,
  type CreatorAnalytics,
  type DailyFigures,
} from '#/state/queries/analytics';

const PERIODS = [7, 30, 90] as const;
type Period = (typeof PERIODS)[number];
const DEFAULT_PERIOD: Period = 30;

function periodOf(value: string | null): Period {
  return PERIODS.find((period) => String(period) === value) ?? DEFAULT_PERIOD;
}

/** 7, 30 or 90 days, as radio buttons that look like a segmented control; `?days=` keeps it. */
function PeriodPicker({ period, onChange }: { period: Period; onChange: (period: Period) => void }) {
  return (
    <fieldset>
      <legend className="sr-only">Period</legend>
      <div className="inline-flex rounded-xl bg-soft p-1">
        {PERIODS.map((value) => (
          <label
            key={value}
            className="relative cursor-pointer rounded-lg px-3 py-1.5 text-sm font-semibold text-muted transition-colors has-checked:bg-white has-checked:text-ink has-checked:shadow-sm has-focus-visible:outline-2 has-focus-visible:outline-accent"
          >
            <input
              type="radio"
              name="period"
              value={value}
              checked={period === value}
              onChange={() => onChange(value)}
              // Invisible but covering its label: the native radio takes the clicks and the keys.
              className="absolute inset-0 cursor-pointer appearance-none rounded-lg opacity-0"
            />
            {value} days
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Total({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="rounded-2xl border border-hairline p-4">
      <dt className="text-sm text-muted">{label}</dt>
      <dd className="mt-1 text-2xl font-extrabold tracking-tight tabular-nums">{value}</dd>
      {detail && <dd className="mt-0.5 text-xs text-muted">{detail}</dd>}
    </div>
  );
}

function signed(value: number): string {
  return value > 0 ? `+${formatCount(value)}` : value < 0 ? `−${formatCount(-value)}` : '0';
}

function Totals({ totals }: { totals: AnalyticsTotals }) {
  const net = totals.followersGained - totals.followersLost;
  return (
    <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Total label="Impressions" value={formatCount(totals.impressions)} />
      <Total label="Likes" value={formatCount(totals.likes)} />
      <Total label="Comments" value={formatCount(totals.comments)} />
      <Total
        label="Followers"
        value={signed(net)}
        detail={`${formatCount(totals.followersGained)} gained, ${formatCount(totals.followersLost)} lost`}
      />
    </dl>
  );
}

type Figure = 'impressions' | 'likes' | 'comments';

/** "Likes per day from Mar 1 to Mar 30: 42 in all, most on Mar 12 (9)." */
function summaryOf(label: string, days: readonly DailyFigures[], figure: Figure): string {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return `${label}: no days to show.`;
  const total = days.reduce((sum, day) => sum + day[figure], 0);
  const best = days.reduce((top, day) => (day[figure] > top[figure] ? day : top), first);
  const range = `${label} per day from ${formatShortDay(first.date)} to ${formatShortDay(last.date)}`;
  if (best[figure] <= 0) return `${range}: none.`;
  return `${range}: ${formatCount(total)} in all, most on ${formatShortDay(best.date)} (${formatCount(best[figure])}).`;
}

function Charts({ days }: { days: readonly DailyFigures[] }) {
  const dates = days.map((day) => day.date);
  const single = (title: string, figure: Figure, fill: string, swatch: string) => (
    <DailyChart
      title={title}
      summary={summaryOf(title, days, figure)}
      dates={dates}
      series={[{ label: title, values: days.map((day) => day[figure]), direction: 'up', fill, swatch }]}
    />
  );
  const gained = days.reduce((sum, day) => sum + day.followersGained, 0);
  const lost = days.reduce((sum, day) => sum + day.followersLost, 0);
  return (
    <div className="grid gap-3 lg:grid-cols-2">
      {single('Impressions', 'impressions', 'fill-accent', 'bg-accent')}
      {single('Likes', 'likes', 'fill-rose-500', 'bg-rose-500')}
      {single('Comments', 'comments', 'fill-violet-500', 'bg-violet-500')}
      <DailyChart
        title="Followers"
        summary={`New followers above the line, lost ones below: ${formatCount(gained)} gained and ${formatCount(lost)} lost in ${days.length} ${plural(days.length, 'day', 'days')}.`}
        dates={dates}
        series={[
          {
            label: 'Gained',
            values: days.map((day) => day.followersGained),
            direction: 'up',
            fill: 'fill-emerald-500',
            swatch: 'bg-emerald-500',
          },
          {
            label: 'Lost',
            values: days.map((day) => day.followersLost),
            direction: 'down',
            fill: 'fill-amber-500',
            swatch: 'bg-amber-500',
          },
        ]}
      />
    </div>
  );
}

function Report({ data }: { data: CreatorAnalytics }) {
  return (
    <div className="space-y-8">
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading" className="sr-only">
          Totals
        </h2>
        <Totals totals={data.totals} />
      </section>
      <section aria-labelledby="daily-heading">
        <h2 id="daily-heading" className="mb-3 text-lg font-bold">
          Day by day
        </h2>
        <Charts days={data.days} />
      </section>
      <section aria-labelledby="top-posts-heading">
        <h2 id="top-posts-heading" className="mb-3 text-lg font-bold">
          Top posts
        </h2>
        <div className="overflow-x-auto rounded-2xl border border-hairline">
          <TopPostsTable posts={data.topPosts} />
        </div>
      </section>
    </div>
  );
}

function ReportSkeleton() {
  return (
    <div role="status" aria-label="Loading analytics" className="space-y-8">
      <div aria-hidden="true" className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <div key={index} className="space-y-2 rounded-2xl border border-hairline p-4">
            <Skeleton className="h-3.5 w-20" />
            <Skeleton className="h-7 w-16" />
          </div>
        ))}
      </div>
      <div aria-hidden="true" className="grid gap-3 lg:grid-cols-2">
        {Array.from({ length: 2 }, (_, index) => (
          <div key={index} className="space-y-3 rounded-2xl border border-hairline p-4">
            <Skeleton className="h-4 w-24" />
            <Skeleton className="h-[180px] w-full" />
          </div>
        ))}
      </div>
    </div>
  );
}

/** The signed-in person's reach: totals, daily charts and top posts over 7, 30 or 90 days. */
export function AnalyticsScreen() {
  useTitle('Analytics');
  const [params, setParams] = useSearchParams();
  const period = periodOf(params.get('days'));
  const query = useMyAnalyticsQuery(period);

  let body;
  if (query.data) {
    body = (
      <div
        aria-busy={query.isPlaceholderData}
        className={`transition-opacity ${query.isPlaceholderData ? 'opacity-60' : ''}`}
      >
        <Report data={query.data} />
      </div>
    );
  } else if (query.isError) {
    body = (
      <ErrorState
        error={query.error}
        title="Couldn’t load your analytics"
        onRetry={() => void query.refetch()}
        retrying={query.isFetching}
      />
    );
  } else {
    body = <ReportSkeleton />;
  }

  return (
    <div className="mx-auto max-w-[935px] px-4 pt-4 pb-6 md:px-8 md:pt-6">
      <header className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-extrabold tracking-tight">Analytics</h1>
          <p className="mt-1 text-sm text-muted">
            Who your photos reached in the last {period} days (UTC days).
          </p>
        </div>
        <PeriodPicker
          period={period}
          onChange={(next) =>
            // At once, not as a transition: the controlled radio would flick back meanwhile.
            setParams(next === DEFAULT_PERIOD ? {} : { days: String(next) }, {
              replace: true,
              flushSync: true,
            })
          }
        />
      </header>
      {body}
    </div>
  );
}
