/** A thin determinate bar, announced as a progressbar with its percentage. */
export function ProgressBar({
  value,
  label,
  tone = 'accent',
  className = '',
}: {
  /** 0 to 1. */
  value: number;
  label: string;
  tone?: 'accent' | 'success' | 'danger';
  className?: string;
}) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  const fill = tone === 'success' ? 'bg-emerald-500' : tone === 'danger' ? 'bg-danger' : 'bg-accent';
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%`}
      className={`h-1.5 overflow-hidden rounded-full bg-soft ${className}`}
    >
      <div
        className={`h-full rounded-full transition-[width] duration-200 ease-out ${fill}`}
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}
