import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';

export type User = components['schemas']['User'];
export type Me = components['schemas']['Me'];
export type UserSummary = components['schemas']['UserSummary'];
export type UserSummaryPage = components['schemas']['UserSummaryPage'];

const PAGE_SIZE = 20;

/** Usernames are case-insensitive on the server, so the cache is too. */
const canonical = (username: string) => username.toLowerCase();

export const userKeys = {
  all: ['users'] as const,
  me: () => [...userKeys.all, 'me'] as const,
  profile: (username: string) => [...userKeys.all, 'profile', canonical(username)] as const,
  followers: (username: string) => [...userKeys.all, 'followers', canonical(username)] as const,
  following: (username: string) => [...userKeys.all, 'following', canonical(username)] as const,
  search: (query: string) => [...userKeys.all, 'search', query] as const,
};

/** The signed-in user; only asked for when there is a token (never a 401 on the happy path). */
export function useMeQuery(enabled: boolean) {
  return useQuery({
    queryKey: userKeys.me(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/users/me', { signal })),
    enabled,
    staleTime: 60_000,
  });
}

export function useUserQuery(username: string) {
  return useQuery({
    queryKey: userKeys.profile(username),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/users/{username}', { params: { path: { username } }, signal })),
  });
}

export type Relation = 'followers' | 'following';

function relationQuery(relation: Relation, username: string) {
  return infiniteQueryOptions({
    queryKey: relation === 'followers' ? userKeys.followers(username) : userKeys.following(username),
    queryFn: ({ pageParam, signal }) => {
      const params = { path: { username }, query: { limit: PAGE_SIZE, cursor: pageParam } };
      return unwrap(
        relation === 'followers'
          ? api.GET('/api/users/{username}/followers', { params, signal })
          : api.GET('/api/users/{username}/following', { params, signal }),
      );
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage: UserSummaryPage) => lastPage.nextCursor ?? undefined,
  });
}

/** Followers or followed accounts of `username`, a page (20) at a time. */
export function useRelationInfiniteQuery(relation: Relation, username: string) {
  return useInfiniteQuery(relationQuery(relation, username));
}

export function useFollowersInfiniteQuery(username: string) {
  return useRelationInfiniteQuery('followers', username);
}

export function useFollowingInfiniteQuery(username: string) {
  return useRelationInfiniteQuery('following', username);
}

/**
 * People whose username or display name starts with `query`. An empty query asks nothing
 * (the screen shows a hint); while typing, the previous results stay until new ones arrive.
 */
export function useSearchUsersQuery(query: string) {
  const trimmed = query.trim();
  return useQuery({
    queryKey: userKeys.search(trimmed.toLowerCase()),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/users', { params: { query: { query: trimmed, limit: PAGE_SIZE } }, signal })),
    enabled: trimmed.length > 0,
    placeholderData: keepPreviousData,
  });
}
