import { ButtonLink } from '#/components/Button';
import { CompassIcon, PlusSquareIcon } from '#/components/icons';
import { LoadMore } from '#/components/LoadMore';
import { PostGrid, PostGridSkeleton } from '#/components/post/PostGrid';
import { EmptyState, ErrorState } from '#/components/States';
import { itemsOf } from '#/lib/pages';
import { useTitle } from '#/lib/use-title';
import { useExploreInfiniteQuery } from '#/state/queries/feed';
import { useSession } from '#/state/session';

function ExploreBody() {
  const { me } = useSession();
  const list = useExploreInfiniteQuery();
  if (list.data) {
    const posts = itemsOf(list.data.pages);
    if (posts.length === 0) {
      return (
        <EmptyState
          icon={<CompassIcon size={30} strokeWidth={1.6} />}
          title="Nothing to explore yet"
          action={
            me ? (
              <ButtonLink to="/create">
                <PlusSquareIcon size={16} strokeWidth={2.4} />
                Share a photo
              </ButtonLink>
            ) : undefined
          }
        >
          Popular photos from everyone on Glimpse will show up here.
        </EmptyState>
      );
    }
    return (
      <>
        <PostGrid posts={posts} label="Popular posts" />
        <LoadMore
          query={list}
          errorTitle="Couldn’t load more posts"
          placeholder={
            <div className="pt-0.5 md:pt-1">
              <PostGridSkeleton tiles={3} label="Loading more posts" />
            </div>
          }
        />
      </>
    );
  }
  if (list.isError) {
    return (
      <ErrorState
        error={list.error}
        title="Couldn’t load Explore"
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  }
  return <PostGridSkeleton tiles={12} label="Loading popular posts" />;
}

/** Explore: recent popular posts from everyone, as a grid; open to signed-out visitors too. */
export function ExploreScreen() {
  useTitle('Explore');
  return (
    <div className="mx-auto max-w-[935px] md:px-8 md:pt-6">
      <header className="px-4 pt-4 pb-4 md:px-0">
        <h1 className="text-2xl font-extrabold tracking-tight">Explore</h1>
        <p className="mt-1 text-sm text-muted">Photos people are enjoying across Glimpse right now.</p>
      </header>
      <ExploreBody />
    </div>
  );
}
