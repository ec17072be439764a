import { useEffect, useRef, type ReactNode } from 'react';
import { Link } from 'react-router';

import { Avatar } from '#/components/Avatar';
import { Button } from '#/components/Button';
import { UserRowSkeleton } from '#/components/Skeleton';
import type { UserSummary } from '#/state/queries/users';

export function UserRow({ user }: { user: UserSummary }) {
  return (
    <li>
      <Link
        to={`/u/${user.username}`}
        className="flex items-center gap-3 rounded-xl px-4 py-2.5 transition-colors hover:bg-canvas focus-visible:-outline-offset-2"
      >
        <Avatar user={user} size="md" />
        <span className="min-w-0 flex-1 leading-tight">
          <span className="block truncate text-sm font-semibold">{user.displayName || user.username}</span>
          <span className="block truncate text-sm text-muted">@{user.username}</span>
        </span>
      </Link>
    </li>
  );
}

export function UserList({ users, label }: { users: readonly UserSummary[]; label: string }) {
  return (
    <ul aria-label={label} className="py-1">
      {users.map((user) => (
        <UserRow key={user.id} user={user} />
      ))}
    </ul>
  );
}

/**
 * The end of an infinite list: fetches the next page as it scrolls into view, and offers a
 * "Load more" button for when IntersectionObserver does not fire (or is not there).
 */
export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  placeholder,
}: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  /** What shows while the next page loads; two skeleton rows of people by default. */
  placeholder?: ReactNode;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const latest = useRef(fetchNextPage);
  useEffect(() => {
    latest.current = fetchNextPage;
  });

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || isFetchingNextPage || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) latest.current();
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage]);

  if (!hasNextPage) return null;
  return (
    <div ref={sentinel}>
      {isFetchingNextPage ? (
        (placeholder ?? (
          <ul aria-hidden="true">
            <UserRowSkeleton />
            <UserRowSkeleton />
          </ul>
        ))
      ) : (
        <div className="flex justify-center py-4">
          <Button variant="outline" size="sm" onClick={() => void fetchNextPage()}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}
