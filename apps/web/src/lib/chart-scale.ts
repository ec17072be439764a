/** 1, 2 or 5 times a power of ten, at least `raw` (and at least 1: the figures are counts). */
function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

export interface Scale {
  min: number;
  max: number;
  ticks: number[];
}

/**
 * A value axis that includes zero and ends on round numbers, with about `count` steps:
 * 0 to 37 becomes 0, 10, 20, 30, 40. A flat series of zeros still gets an axis (0 to 1).
 */
export function niceScale(values: readonly number[], count = 4): Scale {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const step = niceStep((high - low || 1) / count);
  // `+ 0` turns -0 (a series of zeros drawn downwards) into 0, which prints without a sign.
  const min = Math.floor(low / step) * step + 0;
  const max = Math.max(Math.ceil(high / step) * step, min + step);
  const ticks: number[] = [];
  for (let tick = min; tick <= max; tick += step) ticks.push(tick);
  return { min, max, ticks };
}

/**
 * Which of `count` evenly spaced labels to print when only `room` fit: always the last one
 * (today), then every n-th going back.
 */
export function labelledIndexes(count: number, room: number): Set<number> {
  const every = Math.max(1, Math.ceil(count / Math.max(1, room)));
  const indexes = new Set<number>();
  for (let index = count - 1; index >= 0; index -= every) indexes.add(index);
  return indexes;
}

const shortDay = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat('en', {
  weekday: 'short',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});

function utcDay(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** "Mar 3": an axis label for a UTC day ("2026-03-03"). */
export function formatShortDay(date: string): string {
  return shortDay.format(utcDay(date));
}

/** "Tue, March 3": a day in a tooltip or table. */
export function formatLongDay(date: string): string {
  return longDay.format(utcDay(date));
}
