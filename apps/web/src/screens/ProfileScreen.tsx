import { Link, useLocation, useParams } from 'react-router';

import { ApiError } from '#/api/problem';
import { Avatar } from '#/components/Avatar';
import { Button, ButtonLink } from '#/components/Button';
import {
  CameraIcon,
  ChartIcon,
  CheckIcon,
  GridIcon,
  PlusSquareIcon,
  SearchIcon,
  UserIcon,
} from '#/components/icons';
import { LoadMore } from '#/components/LoadMore';
import { PostGrid, PostGridSkeleton } from '#/components/post/PostGrid';
import { Skeleton } from '#/components/Skeleton';
import { EmptyState, ErrorState } from '#/components/States';
import { formatCount, plural } from '#/lib/format';
import { useTitle } from '#/lib/use-title';
import { useFollowMutation } from '#/state/mutations/follow';
import { useUserPostsInfiniteQuery } from '#/state/queries/posts';
import { useUserQuery, type User } from '#/state/queries/users';
import { useSession } from '#/state/session';

function FollowButton({ user }: { user: User }) {
  const mutation = useFollowMutation(user.username);
  const following = user.viewer?.following ?? false;
  return (
    <Button
      variant={following ? 'secondary' : 'primary'}
      className="min-w-28 flex-1 md:flex-none"
      onClick={() => mutation.mutate(!following)}
      title={following ? `Unfollow @${user.username}` : undefined}
    >
      {following ? 'Following' : 'Follow'}
      {following && <CheckIcon size={16} strokeWidth={2.6} />}
    </Button>
  );
}

function ProfileActions({ user }: { user: User }) {
  const { me } = useSession();
  const location = useLocation();
  if (!me) {
    return (
      <ButtonLink to="/login" state={{ from: location.pathname }} className="min-w-28 flex-1 md:flex-none">
        Log in to follow
      </ButtonLink>
    );
  }
  if (me.id === user.id) {
    return (
      <>
        <ButtonLink to="/settings/profile" variant="secondary" className="flex-1 md:flex-none">
          Edit profile
        </ButtonLink>
        <ButtonLink to="/analytics" variant="secondary" className="flex-1 md:flex-none">
          <ChartIcon size={16} strokeWidth={2.2} />
          Analytics
        </ButtonLink>
      </>
    );
  }
  return <FollowButton user={user} />;
}

function Counts({ user }: { user: User }) {
  const count = (value: number, one: string, many: string) => (
    <>
      <span className="block font-semibold text-ink md:inline">{formatCount(value)}</span>{' '}
      <span className="text-muted md:text-ink">{plural(value, one, many)}</span>
    </>
  );
  const link = 'rounded-md hover:opacity-70';
  return (
    <ul className="mt-5 flex justify-around border-t border-hairline py-3 text-center text-sm [grid-area:counts] md:mt-6 md:justify-start md:gap-10 md:border-0 md:py-0 md:text-left md:text-base">
      <li>{count(user.postCount, 'post', 'posts')}</li>
      <li>
        <Link to={`/u/${user.username}/followers`} className={link}>
          {count(user.followerCount, 'follower', 'followers')}
        </Link>
      </li>
      <li>
        <Link to={`/u/${user.username}/following`} className={link}>
          {count(user.followingCount, 'following', 'following')}
        </Link>
      </li>
    </ul>
  );
}

function ProfileHeader({ user }: { user: User }) {
  return (
    <header className="profile-header px-4 pt-6 md:px-8 md:pt-10">
      <div className="row-span-2 flex justify-center [grid-area:avatar]">
        <Avatar user={user} size="xl" ring decorative={false} />
      </div>
      {/* Phones place name and buttons in separate grid rows; desktops line them up. */}
      <div className="contents md:flex md:min-w-0 md:items-center md:gap-5 md:[grid-area:top]">
        <div className="min-w-0 self-end [grid-area:identity]">
          <h1 className="truncate text-xl font-bold tracking-tight md:text-2xl">
            {user.displayName || user.username}
          </h1>
          <p className="flex flex-wrap items-center gap-2 text-[15px] text-muted">
            <span className="truncate">@{user.username}</span>
            {user.viewer?.followedBy && (
              <span className="rounded-md bg-soft px-1.5 py-0.5 text-xs font-medium text-muted">
                Follows you
              </span>
            )}
          </p>
        </div>
        <div className="mt-3 flex gap-2 self-start [grid-area:actions] md:mt-0 md:shrink-0">
          <ProfileActions user={user} />
        </div>
      </div>
      <div className="mt-4 [grid-area:bio] md:mt-5">
        {user.bio ? (
          <p className="text-[15px] leading-snug break-words whitespace-pre-line">{user.bio}</p>
        ) : null}
      </div>
      <Counts user={user} />
    </header>
  );
}

function ProfileSkeleton() {
  return (
    <div role="status" aria-label="Loading profile" className="mx-auto max-w-[935px]">
      <div className="profile-header px-4 pt-6 md:px-8 md:pt-10" aria-hidden="true">
        <div className="row-span-2 flex justify-center [grid-area:avatar]">
          <Skeleton round className="size-[92px] sm:size-[156px]" />
        </div>
        <div className="contents md:flex md:items-center md:gap-5 md:[grid-area:top]">
          <div className="space-y-2 [grid-area:identity]">
            <Skeleton className="h-6 w-40" />
            <Skeleton className="h-4 w-24" />
          </div>
          <div className="mt-3 [grid-area:actions] md:mt-0">
            <Skeleton className="h-9 w-28" />
          </div>
        </div>
        <div className="mt-5 space-y-2 [grid-area:bio]">
          <Skeleton className="h-4 w-64 max-w-full" />
          <Skeleton className="h-4 w-48" />
        </div>
        <div className="mt-6 flex gap-10 [grid-area:counts]">
          <Skeleton className="h-4 w-16" />
          <Skeleton className="h-4 w-20" />
          <Skeleton className="h-4 w-20" />
        </div>
      </div>
    </div>
  );
}

function PostsBody({ user, isMe }: { user: User; isMe: boolean }) {
  const list = useUserPostsInfiniteQuery(user.username);
  const name = user.displayName || user.username;
  if (list.data) {
    const posts = list.data.pages.flatMap((page) => page.items);
    if (posts.length === 0) {
      return isMe ? (
        <EmptyState
          icon={<CameraIcon size={30} strokeWidth={1.6} />}
          title="Share your first photo"
          headingLevel={3}
          action={
            <ButtonLink to="/create">
              <PlusSquareIcon size={16} strokeWidth={2.4} />
              Share a photo
            </ButtonLink>
          }
        >
          When you share photos, they’ll appear on your profile.
        </EmptyState>
      ) : (
        <EmptyState icon={<CameraIcon size={30} strokeWidth={1.6} />} title="No posts yet" headingLevel={3}>
          When @{user.username} shares photos, you’ll see them here.
        </EmptyState>
      );
    }
    return (
      <>
        <PostGrid posts={posts} label={`Posts by ${name}`} />
        <LoadMore
          query={list}
          errorTitle="Couldn’t load more posts"
          placeholder={<PostGridSkeleton tiles={3} label="Loading more posts" />}
        />
      </>
    );
  }
  if (list.isError) {
    return (
      <ErrorState
        error={list.error}
        title="Couldn’t load the posts"
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  }
  return <PostGridSkeleton />;
}

function PostsSection({ user, isMe }: { user: User; isMe: boolean }) {
  return (
    <section aria-labelledby="posts-tab" className="mt-8 border-t border-hairline md:mx-8">
      <div className="flex justify-center">
        <h2
          id="posts-tab"
          className="-mt-px flex items-center gap-1.5 border-t border-ink pt-4 pb-4 text-xs font-semibold tracking-widest uppercase"
        >
          <GridIcon size={14} />
          Posts
        </h2>
      </div>
      <PostsBody user={user} isMe={isMe} />
    </section>
  );
}

export function ProfileScreen() {
  const { username = '' } = useParams();
  const { me } = useSession();
  const query = useUserQuery(username);
  const user = query.data;
  useTitle(user ? `${user.displayName || user.username} (@${user.username})` : `@${username}`);

  // A failed background refetch keeps the profile on screen: only a first load can fail.
  if (user) {
    return (
      <div className="mx-auto max-w-[935px]">
        <ProfileHeader user={user} />
        <PostsSection user={user} isMe={me?.id === user.id} />
      </div>
    );
  }
  if (!query.isError) return <ProfileSkeleton />;
  if (query.error instanceof ApiError && query.error.status === 404) {
    return (
      <EmptyState
        icon={<UserIcon size={30} strokeWidth={1.6} />}
        title="This account doesn’t exist"
        headingLevel={1}
        action={
          <ButtonLink to="/search">
            <SearchIcon size={16} strokeWidth={2.4} />
            Search people
          </ButtonLink>
        }
      >
        The link may be broken, or @{username} may have changed their username.
      </EmptyState>
    );
  }
  return (
    <ErrorState
      error={query.error}
      title="Couldn’t load this profile"
      onRetry={() => void query.refetch()}
      retrying={query.isFetching}
    />
  );
}
