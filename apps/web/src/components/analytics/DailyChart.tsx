import { useId, useState, type KeyboardEvent, type PointerEvent } from 'react';

import { formatLongDay, formatShortDay, labelledIndexes, niceScale } from '#/lib/chart-scale';
import { formatCount } from '#/lib/format';
import { useElementWidth } from '#/lib/use-element-width';

export interface ChartSeries {
  label: string;
  /** One figure per day, in the order of the chart's dates. */
  values: readonly number[];
  /** `down` draws the bars below the axis (followers lost under followers gained). */
  direction: 'up' | 'down';
  /** SVG fill and legend colour (a Tailwind `fill-*` and a `bg-*` class). */
  fill: string;
  swatch: string;
}

const HEIGHT = 180;
const MARGIN = { top: 12, right: 8, bottom: 26, left: 40 };
/** Room one axis label needs, so they never overlap. */
const LABEL_WIDTH = 56;
const MAX_BAR = 22;

const drawn = (series: ChartSeries, index: number) =>
  (series.direction === 'down' ? -1 : 1) * (series.values[index] ?? 0);

function dayText(date: string, series: readonly ChartSeries[], index: number): string {
  const figures = series.map((one) => `${one.label} ${formatCount(one.values[index] ?? 0)}`);
  return `${formatLongDay(date)}: ${figures.join(', ')}`;
}

/**
 * Daily figures as bars, drawn by hand in SVG at the width it is given. Pointer or keyboard
 * (arrow keys, Home, End) picks a day and a tooltip says its figures (announced to screen
 * readers too); the same figures are one click away as a table.
 */
export function DailyChart({
  title,
  summary,
  dates,
  series,
}: {
  title: string;
  /** One sentence that says what the chart shows (its text alternative). */
  summary: string;
  dates: readonly string[];
  series: readonly ChartSeries[];
}) {
  const id = useId();
  const [ref, width] = useElementWidth<HTMLDivElement>(600);
  const [active, setActive] = useState<number | undefined>(undefined);
  const [showTable, setShowTable] = useState(false);

  const count = dates.length;
  const plotWidth = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const scale = niceScale(series.flatMap((one) => one.values.map((_, index) => drawn(one, index))));
  const y = (value: number) => MARGIN.top + ((scale.max - value) / (scale.max - scale.min)) * plotHeight;
  const band = plotWidth / Math.max(1, count);
  const barWidth = Math.max(1, Math.min(MAX_BAR, band * 0.7));
  const center = (index: number) => MARGIN.left + index * band + band / 2;
  const labelled = labelledIndexes(count, Math.floor(plotWidth / LABEL_WIDTH));

  const move = (index: number) => setActive(Math.max(0, Math.min(count - 1, index)));
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const current = active ?? count - 1;
    const next = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: count - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    move(next);
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const left = event.currentTarget.getBoundingClientRect().left;
    move(Math.floor((event.clientX - left - MARGIN.left) / band));
  };

  const activeDate = active === undefined ? undefined : dates[active];
  const tooltipLeft = active === undefined ? 0 : Math.max(70, Math.min(width - 70, center(active)));

  return (
    // min-w-0: in a grid, the drawing's own width must not widen the column it measures.
    <section aria-labelledby={`${id}-title`} className="min-w-0 rounded-2xl border border-hairline p-4">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1">
        <h3 id={`${id}-title`} className="font-bold">
          {title}
        </h3>
        {series.length > 1 && (
          <ul className="flex gap-3 text-xs text-muted" aria-hidden="true">
            {series.map((one) => (
              <li key={one.label} className="flex items-center gap-1.5">
                <span className={`size-2.5 rounded-sm ${one.swatch}`} />
                {one.label}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div
        ref={ref}
        tabIndex={0}
        role="group"
        aria-label={`${title}, day by day`}
        aria-describedby={`${id}-help`}
        onKeyDown={onKeyDown}
        onFocus={() => setActive((current) => current ?? count - 1)}
        onBlur={() => setActive(undefined)}
        className="relative mt-3 rounded-lg focus-visible:outline-offset-4"
      >
        <p id={`${id}-help`} className="sr-only">
          Left and right arrow keys move from day to day.
        </p>
        <svg
          role="img"
          aria-label={summary}
          width={width}
          height={HEIGHT}
          className="block touch-pan-y"
          onPointerMove={onPointerMove}
          onPointerDown={onPointerMove}
          onPointerLeave={() => setActive(undefined)}
        >
          {scale.ticks.map((tick) => (
            <g key={tick}>
              <line
                x1={MARGIN.left}
                x2={width - MARGIN.right}
                y1={y(tick)}
                y2={y(tick)}
                className={tick === 0 ? 'stroke-line' : 'stroke-hairline'}
              />
              <text
                x={MARGIN.left - 8}
                y={y(tick)}
                textAnchor="end"
                dominantBaseline="middle"
                className="fill-muted text-[11px]"
              >
                {formatCount(tick)}
              </text>
            </g>
          ))}
          {active !== undefined && (
            <rect
              x={MARGIN.left + active * band}
              y={MARGIN.top}
              width={band}
              height={plotHeight}
              className="fill-ink/5"
            />
          )}
          {series.map((one) =>
            dates.map((date, index) => {
              const value = drawn(one, index);
              if (value === 0) return null;
              const top = Math.min(y(value), y(0));
              return (
                <rect
                  key={`${one.label}-${date}`}
                  x={center(index) - barWidth / 2}
                  y={top}
                  width={barWidth}
                  height={Math.max(1, Math.abs(y(value) - y(0)))}
                  rx={Math.min(3, barWidth / 3)}
                  className={one.fill}
                />
              );
            }),
          )}
          {dates.map((date, index) =>
            labelled.has(index) ? (
              <text
                key={date}
                x={center(index)}
                y={HEIGHT - 6}
                textAnchor={index === count - 1 && count > 1 ? 'end' : index === 0 ? 'start' : 'middle'}
                className="fill-muted text-[11px]"
              >
                {formatShortDay(date)}
              </text>
            ) : null,
          )}
        </svg>
        {active !== undefined && activeDate !== undefined && (
          <div
            aria-hidden="true"
            style={{ left: tooltipLeft }}
            className="pointer-events-none absolute -top-2 -translate-x-1/2 -translate-y-full rounded-lg bg-ink px-2.5 py-1.5 text-xs whitespace-nowrap text-white shadow-lg"
          >
            <p className="font-semibold">{formatLongDay(activeDate)}</p>
            {series.map((one) => (
              <p key={one.label}>
                {one.label}: {formatCount(one.values[active] ?? 0)}
              </p>
            ))}
          </div>
        )}
        <p aria-live="polite" className="sr-only">
          {active !== undefined && activeDate !== undefined ? dayText(activeDate, series, active) : ''}
        </p>
      </div>
      <button
        type="button"
        aria-expanded={showTable}
        aria-controls={`${id}-table`}
        onClick={() => setShowTable((shown) => !shown)}
        className="mt-2 rounded-md text-xs font-semibold text-accent hover:text-accent-hover"
      >
        {showTable ? 'Hide the figures' : 'Show the figures'}
      </button>
      <div id={`${id}-table`} hidden={!showTable} className="mt-2 max-h-64 overflow-y-auto">
        {showTable && (
          <table className="w-full text-sm">
            <caption className="sr-only">{title} per day</caption>
            <thead className="sticky top-0 bg-white text-left text-xs text-muted">
              <tr>
                <th scope="col" className="py-1.5 font-semibold">
                  Day
                </th>
                {series.map((one) => (
                  <th key={one.label} scope="col" className="py-1.5 text-right font-semibold">
                    {one.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...dates.keys()].reverse().map((index) => (
                <tr key={dates[index]} className="border-t border-hairline">
                  <th scope="row" className="py-1.5 text-left font-normal">
                    {formatLongDay(dates[index] ?? '')}
                  </th>
                  {series.map((one) => (
                    <td key={one.label} className="py-1.5 text-right tabular-nums">
                      {formatCount(one.values[index] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
