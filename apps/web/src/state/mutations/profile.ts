import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';
import { userKeys, type Me } from '#/state/queries/users';

export type ProfileUpdate = components['schemas']['UpdateProfileRequest'];

/** Saves the signed-in user's profile and writes the result into every cache that shows it. */
export function useUpdateProfileMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: ProfileUpdate) => unwrap(api.PATCH('/api/users/me', { body: update })),
    onSuccess: (user) => {
      queryClient.setQueryData(userKeys.profile(user.username), user);
      queryClient.setQueryData<Me>(userKeys.me(), (me) => me && { ...me, ...user, email: me.email });
      // Names appear in search results and follower lists too.
      void queryClient.invalidateQueries({ queryKey: [...userKeys.all, 'search'] });
      void queryClient.invalidateQueries({ queryKey: [...userKeys.all, 'followers'] });
      void queryClient.invalidateQueries({ queryKey: [...userKeys.all, 'following'] });
    },
  });
}
