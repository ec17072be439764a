import { Link, NavLink, useParams } from 'react-router';

import { ApiError } from '#/api/problem';
import { ButtonLink } from '#/components/Button';
import { ArrowLeftIcon, SearchIcon, UserIcon, UsersIcon } from '#/components/icons';
import { LoadMore } from '#/components/LoadMore';
import { Skeleton, UserListSkeleton, UserRowSkeleton } from '#/components/Skeleton';
import { EmptyState, ErrorState } from '#/components/States';
import { UserList } from '#/components/UserList';
import { useTitle } from '#/lib/use-title';
import { useRelationInfiniteQuery, useUserQuery, type Relation } from '#/state/queries/users';
import { useSession } from '#/state/session';

const TITLES: Record<Relation, string> = { followers: 'Followers', following: 'Following' };

function EmptyRelation({
  relation,
  username,
  isMe,
}: {
  relation: Relation;
  username: string;
  isMe: boolean;
}) {
  if (relation === 'followers') {
    return (
      <EmptyState icon={<UsersIcon size={30} strokeWidth={1.6} />} title="No followers yet">
        {isMe
          ? 'When people follow you, you’ll see them here.'
          : `When people follow @${username}, they’ll show up here.`}
      </EmptyState>
    );
  }
  return (
    <EmptyState
      icon={<UserIcon size={30} strokeWidth={1.6} />}
      title={isMe ? 'You’re not following anyone yet' : 'Not following anyone yet'}
      action={
        isMe ? (
          <ButtonLink to="/search">
            <SearchIcon size={16} strokeWidth={2.4} />
            Find people
          </ButtonLink>
        ) : undefined
      }
    >
      {isMe
        ? 'Follow people to see their photos in your feed.'
        : `When @${username} follows people, they’ll show up here.`}
    </EmptyState>
  );
}

/** Followers or following of one account, loaded page by page as the list scrolls. */
export function FollowListScreen({ relation }: { relation: Relation }) {
  const { username = '' } = useParams();
  const { me } = useSession();
  const profile = useUserQuery(username);
  const list = useRelationInfiniteQuery(relation, username);
  const name = profile.data?.displayName || profile.data?.username || `@${username}`;
  const isMe = me !== undefined && me.username.toLowerCase() === username.toLowerCase();
  useTitle(`${TITLES[relation]} of ${name}`);

  const users = list.data?.pages.flatMap((page) => page.items) ?? [];
  const tab = ({ isActive }: { isActive: boolean }) =>
    `flex-1 border-b-2 py-3 text-center text-sm font-semibold transition-colors ${isActive ? 'border-ink text-ink' : 'border-transparent text-muted hover:text-ink'}`;

  let body;
  if (list.data) {
    body =
      users.length === 0 ? (
        <EmptyRelation relation={relation} username={username} isMe={isMe} />
      ) : (
        <>
          <UserList users={users} label={TITLES[relation]} />
          <LoadMore
            query={list}
            errorTitle="Couldn’t load more"
            placeholder={
              <ul aria-hidden="true">
                <UserRowSkeleton />
                <UserRowSkeleton />
              </ul>
            }
          />
        </>
      );
  } else if (list.isError) {
    const missing = list.error instanceof ApiError && list.error.status === 404;
    body = missing ? (
      <EmptyState icon={<UserIcon size={30} strokeWidth={1.6} />} title="This account doesn’t exist">
        The link may be broken, or @{username} may have changed their username.
      </EmptyState>
    ) : (
      <ErrorState error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />
    );
  } else {
    body = <UserListSkeleton label={`Loading ${TITLES[relation].toLowerCase()}`} />;
  }

  return (
    <div className="mx-auto max-w-[600px] md:pt-6">
      <div className="border-b border-hairline md:rounded-t-2xl md:border md:border-b-0">
        <div className="flex items-center gap-2 px-2 pt-2">
          <Link
            to={`/u/${username}`}
            className="inline-flex size-10 items-center justify-center rounded-full hover:bg-soft"
            aria-label={`Back to ${name}’s profile`}
          >
            <ArrowLeftIcon size={22} />
          </Link>
          <div className="min-w-0 leading-tight">
            {profile.data ? (
              <p className="truncate text-base font-bold">{name}</p>
            ) : (
              <Skeleton className="h-4 w-32" />
            )}
            <p className="truncate text-sm text-muted">@{profile.data?.username ?? username}</p>
          </div>
        </div>
        <h1 className="sr-only">{TITLES[relation]}</h1>
        <nav aria-label="Connections" className="mt-1 flex">
          <NavLink to={`/u/${username}/followers`} className={tab}>
            Followers
          </NavLink>
          <NavLink to={`/u/${username}/following`} className={tab}>
            Following
          </NavLink>
        </nav>
      </div>
      <div className="md:rounded-b-2xl md:border md:border-t-0 md:border-hairline">{body}</div>
    </div>
  );
}
