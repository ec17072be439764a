import { Link } from 'react-router';

import { WeekAtAGlance } from '#/components/analytics/WeekAtAGlance';
import { Avatar } from '#/components/Avatar';
import { ButtonLink } from '#/components/Button';
import { EmptyFeed } from '#/components/feed/EmptyFeed';
import { CheckIcon, CompassIcon } from '#/components/icons';
import { LoadMore } from '#/components/LoadMore';
import { PostFeed, PostFeedSkeleton } from '#/components/post/PostFeed';
import { ErrorState } from '#/components/States';
import { itemsOf } from '#/lib/pages';
import { useMediaQuery } from '#/lib/use-media-query';
import { useTitle } from '#/lib/use-title';
import { useHomeFeedInfiniteQuery } from '#/state/queries/feed';
import type { Me } from '#/state/queries/users';
import { useSession } from '#/state/session';

/** The bottom of a feed that has no more pages. */
function CaughtUp() {
  return (
    <div className="flex flex-col items-center px-6 py-10 text-center">
      <span className="bg-brand flex size-12 items-center justify-center rounded-full text-white">
        <CheckIcon size={24} strokeWidth={2.6} />
      </span>
      <p className="mt-3 font-bold">You’re all caught up</p>
      <p className="mt-1 text-sm text-muted">You’ve seen every post from the people you follow.</p>
      <ButtonLink to="/explore" variant="secondary" size="sm" className="mt-4">
        <CompassIcon size={16} strokeWidth={2.2} />
        Explore more posts
      </ButtonLink>
    </div>
  );
}

function HomeFeed({ me }: { me: Me }) {
  const feed = useHomeFeedInfiniteQuery();
  if (feed.data) {
    const posts = itemsOf(feed.data.pages);
    if (posts.length === 0)
      return <EmptyFeed firstName={(me.displayName || me.username).split(/\s+/)[0] ?? ''} />;
    return (
      <>
        <PostFeed posts={posts} label="Home feed" busy={feed.isFetchingNextPage} />
        <LoadMore
          query={feed}
          errorTitle="Couldn’t load more posts"
          placeholder={
            <div className="pt-3 sm:pt-6">
              <PostFeedSkeleton cards={1} label="Loading more posts" />
            </div>
          }
          end={<CaughtUp />}
        />
      </>
    );
  }
  if (feed.isError) {
    return (
      <ErrorState
        error={feed.error}
        title="Couldn’t load your feed"
        onRetry={() => void feed.refetch()}
        retrying={feed.isFetching}
      />
    );
  }
  return <PostFeedSkeleton label="Loading your feed" />;
}

function HomeAside({ me }: { me: Me }) {
  // The aside shows from 1024 px: narrower screens need not ask for the week's figures.
  const wide = useMediaQuery('(min-width: 64rem)');
  return (
    <aside className="hidden space-y-6 lg:block" aria-label="Your account">
      <div className="sticky top-20 space-y-6">
        <Link
          to={`/u/${me.username}`}
          className="flex items-center gap-3 rounded-2xl p-2 transition-colors hover:bg-canvas"
        >
          <Avatar user={me} size="md" />
          <span className="min-w-0 leading-tight">
            <span className="block truncate text-sm font-semibold">{me.displayName || me.username}</span>
            <span className="block truncate text-sm text-muted">@{me.username}</span>
          </span>
        </Link>
        {wide && <WeekAtAGlance />}
      </div>
    </aside>
  );
}

/** Home: the feed of the people you follow (and your own posts), newest first. */
export function HomeScreen() {
  useTitle(undefined);
  const { me } = useSession();
  if (!me) return null;

  return (
    <div className="mx-auto grid max-w-[1000px] gap-10 sm:px-4 sm:py-6 md:py-8 lg:grid-cols-[minmax(0,1fr)_300px]">
      <div className="mx-auto w-full max-w-[470px]">
        <h1 className="sr-only">Home</h1>
        <HomeFeed me={me} />
      </div>
      <HomeAside me={me} />
    </div>
  );
}
