import { useMutation, useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import { errorMessage } from '#/api/problem';
import { showToast } from '#/lib/toast';
import { feedKeys } from '#/state/queries/feed';
import type { PostPage } from '#/state/queries/posts';
import { userKeys, type Me, type User } from '#/state/queries/users';

interface Snapshot {
  profile: User | undefined;
  me: Me | undefined;
  myProfile: User | undefined;
}

function withFollowing(user: User, following: boolean): User {
  if (!user.viewer || user.viewer.following === following) return user;
  return {
    ...user,
    viewer: { ...user.viewer, following },
    followerCount: Math.max(0, user.followerCount + (following ? 1 : -1)),
  };
}

function withFollowingCount<T extends User | Me>(user: T, delta: number): T {
  return { ...user, followingCount: Math.max(0, user.followingCount + delta) };
}

const followKey = (username: string) => ['follow', username.toLowerCase()] as const;

/**
 * The server fills (or empties) the home feed after a follow (or unfollow) asynchronously,
 * well within this: asking sooner could bring back the feed as it was.
 */
const FEED_SETTLE_MS = 2000;

/** An unfollowed account's posts leave the home feed at once; the server follows shortly. */
function withoutAuthor(data: InfiniteData<PostPage>, username: string): InfiniteData<PostPage> {
  const name = username.toLowerCase();
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.filter((post) => post.author.username.toLowerCase() !== name),
    })),
  };
}

/** True when no later toggle of the same account is queued behind the one finishing now. */
function isLastInQueue(queryClient: QueryClient, username: string): boolean {
  return queryClient.isMutating({ mutationKey: followKey(username) }) <= 1;
}

/**
 * Follow or unfollow `username`. The button answers at once: `viewer.following` and the
 * counts change in the cache before the server is asked, and go back if it refuses.
 * Toggles of one account share a mutation scope, so the server sees them one at a time and
 * in order, and only the last one writes the server's counts back (no flicker while
 * someone taps quickly).
 */
export function useFollowMutation(username: string) {
  const queryClient = useQueryClient();
  const profileKey = userKeys.profile(username);

  return useMutation({
    mutationKey: followKey(username),
    scope: { id: `follow:${username.toLowerCase()}` },
    mutationFn: (follow: boolean) => {
      const params = { path: { username } };
      return unwrap(
        follow
          ? api.PUT('/api/users/{username}/follow', { params })
          : api.DELETE('/api/users/{username}/follow', { params }),
      );
    },

    onMutate: async (follow): Promise<Snapshot> => {
      await queryClient.cancelQueries({ queryKey: profileKey });
      const me = queryClient.getQueryData<Me>(userKeys.me());
      const myProfileKey = me ? userKeys.profile(me.username) : undefined;
      const snapshot: Snapshot = {
        profile: queryClient.getQueryData<User>(profileKey),
        me,
        myProfile: myProfileKey ? queryClient.getQueryData<User>(myProfileKey) : undefined,
      };
      const changes = snapshot.profile?.viewer && snapshot.profile.viewer.following !== follow;
      queryClient.setQueryData<User>(profileKey, (user) => user && withFollowing(user, follow));
      if (changes && me && myProfileKey) {
        const delta = follow ? 1 : -1;
        queryClient.setQueryData<Me>(
          userKeys.me(),
          (current) => current && withFollowingCount(current, delta),
        );
        queryClient.setQueryData<User>(
          myProfileKey,
          (current) => current && withFollowingCount(current, delta),
        );
      }
      return snapshot;
    },

    onError: (error, follow, snapshot) => {
      if (snapshot) {
        queryClient.setQueryData(profileKey, snapshot.profile);
        if (snapshot.me) {
          queryClient.setQueryData(userKeys.me(), snapshot.me);
          if (snapshot.myProfile)
            queryClient.setQueryData(userKeys.profile(snapshot.me.username), snapshot.myProfile);
        }
      }
      showToast(`Couldn’t ${follow ? 'follow' : 'unfollow'} @${username}. ${errorMessage(error)}`, 'error');
    },

    onSuccess: (result) => {
      if (!isLastInQueue(queryClient, username)) return;
      if (!result.following) {
        queryClient.setQueryData<InfiniteData<PostPage>>(
          feedKeys.home(),
          (data) => data && withoutAuthor(data, username),
        );
      }
      queryClient.setQueryData<User>(profileKey, (user) =>
        user?.viewer
          ? {
              ...user,
              followerCount: result.followerCount,
              viewer: { ...user.viewer, following: result.following },
            }
          : user,
      );
    },

    onSettled: () => {
      if (!isLastInQueue(queryClient, username)) return;
      const me = queryClient.getQueryData<Me>(userKeys.me());
      void queryClient.invalidateQueries({ queryKey: userKeys.followers(username) });
      if (me) {
        void queryClient.invalidateQueries({ queryKey: userKeys.following(me.username) });
        void queryClient.invalidateQueries({ queryKey: userKeys.profile(me.username) });
      }
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: feedKeys.home() }), FEED_SETTLE_MS);
    },
  });
}
