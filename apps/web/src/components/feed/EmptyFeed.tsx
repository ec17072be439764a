import { Link } from 'react-router';

import { ButtonLink } from '#/components/Button';
import { CompassIcon, PlusSquareIcon, SearchIcon, SparklesIcon } from '#/components/icons';
import { PostGrid, PostGridSkeleton } from '#/components/post/PostGrid';
import { ErrorState } from '#/components/States';
import { itemsOf } from '#/lib/pages';
import { useExploreInfiniteQuery } from '#/state/queries/feed';

/** Three rows of the grid: enough to show what Explore is, not so many that it replaces it. */
const PREVIEW_TILES = 9;

/** The first tiles of Explore, inside the empty home feed. */
function ExplorePreview() {
  const explore = useExploreInfiniteQuery();
  let body;
  if (explore.data) {
    const posts = itemsOf(explore.data.pages).slice(0, PREVIEW_TILES);
    body =
      posts.length === 0 ? (
        <div className="rounded-2xl border border-dashed border-line px-6 py-8 text-center text-sm text-muted">
          <p>No one has shared a photo yet. Be the first!</p>
          <ButtonLink to="/create" variant="secondary" size="sm" className="mt-4">
            <PlusSquareIcon size={16} strokeWidth={2.2} />
            Share a photo
          </ButtonLink>
        </div>
      ) : (
        <PostGrid posts={posts} label="Popular posts" />
      );
  } else if (explore.isError) {
    body = (
      <ErrorState
        error={explore.error}
        title="Couldn’t load popular posts"
        onRetry={() => void explore.refetch()}
        retrying={explore.isFetching}
      />
    );
  } else {
    body = <PostGridSkeleton label="Loading popular posts" />;
  }

  return (
    <section aria-labelledby="explore-preview" className="space-y-3">
      <div className="flex items-baseline justify-between px-4 sm:px-0">
        <h2 id="explore-preview" className="text-base font-bold">
          Popular on Glimpse
        </h2>
        <Link to="/explore" className="rounded-md text-sm font-semibold text-accent hover:text-accent-hover">
          See all
          <span className="sr-only"> on Explore</span>
        </Link>
      </div>
      {body}
    </section>
  );
}

/**
 * A home feed with nothing in it yet (a new account, or no one followed has posted): what
 * fills it, where to find people, and a taste of Explore right here.
 */
export function EmptyFeed({ firstName }: { firstName: string }) {
  return (
    <div className="space-y-8">
      <section
        aria-labelledby="feed-empty"
        className="border-b border-hairline bg-white px-6 py-10 text-center sm:rounded-3xl sm:border sm:px-10 sm:shadow-[0_1px_2px_rgba(0,0,0,0.04)]"
      >
        <span className="bg-brand mx-auto flex size-16 items-center justify-center rounded-2xl text-white shadow-md">
          <SparklesIcon size={30} />
        </span>
        <p className="mt-5 text-sm font-medium text-muted">Welcome, {firstName}</p>
        <h2 id="feed-empty" className="mt-1 text-2xl font-extrabold tracking-tight">
          Your feed is on its way
        </h2>
        <p className="mx-auto mt-2 max-w-sm text-[15px] leading-relaxed text-muted">
          It fills up with photos as you follow people: their new posts, and yours, show up here, newest
          first. Find people you know, or browse Explore for accounts you’ll like.
        </p>
        <div className="mt-7 flex flex-col justify-center gap-2 sm:flex-row">
          <ButtonLink to="/search" size="lg">
            <SearchIcon size={18} strokeWidth={2.4} />
            Find people to follow
          </ButtonLink>
          <ButtonLink to="/explore" size="lg" variant="secondary">
            <CompassIcon size={18} strokeWidth={2.2} />
            Explore
          </ButtonLink>
        </div>
      </section>
      <ExplorePreview />
    </div>
  );
}
