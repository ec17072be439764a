import { useEffect, useRef, type ReactNode } from 'react';

import { Button } from '#/components/Button';
import { ErrorState } from '#/components/States';

/** What the end of a list reads from its infinite query (a `useInfiniteQuery` result fits). */
export interface NextPageQuery {
  error: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  fetchNextPage: () => unknown;
}

/**
 * The end of an infinite list: fetches the next page as it scrolls into view, with a "Load
 * more" button for when IntersectionObserver does not fire (or is not there), and a retry
 * when the next page failed to load.
 */
export function LoadMore({
  query,
  errorTitle,
  placeholder,
  end = null,
}: {
  query: NextPageQuery;
  /** The heading of the error shown when the next page failed to load. */
  errorTitle: string;
  /** What shows while the next page loads. */
  placeholder: ReactNode;
  /** What shows once every page is loaded. */
  end?: ReactNode;
}) {
  if (query.isFetchNextPageError) {
    return (
      <ErrorState
        error={query.error}
        title={errorTitle}
        onRetry={() => void query.fetchNextPage()}
        retrying={query.isFetchingNextPage}
      />
    );
  }
  if (!query.hasNextPage) return end;
  return (
    <NextPageSentinel
      isFetchingNextPage={query.isFetchingNextPage}
      fetchNextPage={() => query.fetchNextPage()}
      placeholder={placeholder}
    />
  );
}

function NextPageSentinel({
  isFetchingNextPage,
  fetchNextPage,
  placeholder,
}: {
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  placeholder: ReactNode;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const latest = useRef(fetchNextPage);
  useEffect(() => {
    latest.current = fetchNextPage;
  });

  useEffect(() => {
    const element = sentinel.current;
    if (!element || isFetchingNextPage || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) latest.current();
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [isFetchingNextPage]);

  return (
    <div ref={sentinel}>
      {isFetchingNextPage ? (
        placeholder
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
