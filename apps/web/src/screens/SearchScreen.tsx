import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

import { SearchIcon, XIcon } from '#/components/icons';
import { UserListSkeleton } from '#/components/Skeleton';
import { Spinner } from '#/components/Spinner';
import { EmptyState, ErrorState } from '#/components/States';
import { UserList } from '#/components/UserList';
import { plural } from '#/lib/format';
import { useDebouncedValue } from '#/lib/use-debounced-value';
import { useTitle } from '#/lib/use-title';
import { useSearchUsersQuery } from '#/state/queries/users';

const DEBOUNCE_MS = 250;
const MAX_QUERY = 64;

/** People search with results as you type (debounced); `?q=` keeps the query shareable. */
export function SearchScreen() {
  useTitle('Search');
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(() => params.get('q') ?? '');
  const trimmed = text.trim();
  const debounced = useDebouncedValue(trimmed, DEBOUNCE_MS);
  const search = useSearchUsersQuery(debounced);

  useEffect(() => {
    if ((params.get('q') ?? '') === debounced) return;
    setParams(debounced ? { q: debounced } : {}, { replace: true });
  }, [debounced, params, setParams]);

  const results = search.data?.items;
  const stale = search.isPlaceholderData || debounced !== trimmed;
  const busy = trimmed !== '' && (stale || search.isFetching);

  let body;
  if (trimmed === '') {
    body = (
      <EmptyState icon={<SearchIcon size={30} strokeWidth={1.6} />} title="Find people on Glimpse">
        Search by name or username to see their profile and follow them.
      </EmptyState>
    );
  } else if (results && debounced !== '') {
    body =
      results.length === 0 ? (
        <EmptyState icon={<SearchIcon size={30} strokeWidth={1.6} />} title="No results">
          No one matches “{debounced}”. Check the spelling or try fewer letters.
        </EmptyState>
      ) : (
        <div className={`transition-opacity ${stale ? 'opacity-60' : ''}`}>
          <UserList users={results} label="Search results" />
        </div>
      );
  } else if (search.isError) {
    body = (
      <ErrorState error={search.error} onRetry={() => void search.refetch()} retrying={search.isFetching} />
    );
  } else {
    body = <UserListSkeleton rows={4} label="Searching" />;
  }

  return (
    <div className="mx-auto max-w-[600px] px-0 md:px-4 md:pt-6">
      <div className="px-4 pt-4 pb-2 md:px-0">
        <h1 className="mb-4 text-2xl font-extrabold tracking-tight">Search</h1>
        <div className="relative">
          <label htmlFor="people-search" className="sr-only">
            Search people
          </label>
          <SearchIcon
            size={18}
            className="pointer-events-none absolute top-1/2 left-3.5 -translate-y-1/2 text-muted"
          />
          <input
            id="people-search"
            type="search"
            placeholder="Search"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            maxLength={MAX_QUERY}
            value={text}
            onChange={(event) => setText(event.target.value)}
            className="h-11 w-full rounded-xl border border-transparent bg-soft pr-11 pl-10 text-[15px] outline-none transition-colors placeholder:text-muted focus:border-line focus:bg-white [&::-webkit-search-cancel-button]:hidden"
          />
          <span className="absolute inset-y-0 right-1.5 flex items-center">
            {busy ? (
              <Spinner size={18} className="mr-2 text-muted" />
            ) : (
              text !== '' && (
                <button
                  type="button"
                  onClick={() => setText('')}
                  className="rounded-full p-1.5 text-muted hover:bg-soft-hover hover:text-ink"
                >
                  <XIcon size={16} />
                  <span className="sr-only">Clear search</span>
                </button>
              )
            )}
          </span>
        </div>
        <p role="status" className="sr-only">
          {results && debounced !== '' && !stale
            ? `${results.length} ${plural(results.length, 'person', 'people')} found`
            : ''}
        </p>
      </div>
      {body}
    </div>
  );
}
