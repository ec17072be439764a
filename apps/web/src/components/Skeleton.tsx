/** A grey placeholder block shaped like the content that is loading. */
export function Skeleton({ className = '', round = false }: { className?: string; round?: boolean }) {
  return (
    <span
      aria-hidden="true"
      className={`block animate-pulse bg-soft ${round ? 'rounded-full' : 'rounded-md'} ${className}`}
    />
  );
}

export function UserRowSkeleton() {
  return (
    <li className="flex items-center gap-3 px-4 py-2.5" aria-hidden="true">
      <Skeleton round className="size-11 shrink-0" />
      <span className="flex-1 space-y-2">
        <Skeleton className="h-3.5 w-32" />
        <Skeleton className="h-3 w-20" />
      </span>
    </li>
  );
}

export function UserListSkeleton({ rows = 6, label = 'Loading people' }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-label={label}>
      <ul>
        {Array.from({ length: rows }, (_, index) => (
          <UserRowSkeleton key={index} />
        ))}
      </ul>
    </div>
  );
}
