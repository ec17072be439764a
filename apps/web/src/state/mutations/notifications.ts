import { useMutation, useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import { notificationKeys, type Notification, type NotificationPage } from '#/state/queries/notifications';

type Pages = InfiniteData<NotificationPage>;

function withoutNotification(data: Pages, id: string): Pages {
  return {
    ...data,
    pages: data.pages.map((page) =>
      page.items.some((item) => item.id === id)
        ? { ...page, items: page.items.filter((item) => item.id !== id) }
        : page,
    ),
  };
}

/**
 * A notification that is new, or changed (a like joined its group), goes to the top of the
 * loaded list: the server lists by latest change, and every change is newer than the rest.
 */
export function upsertNotification(queryClient: QueryClient, notification: Notification): void {
  queryClient.setQueryData<Pages>(notificationKeys.list(), (data) => {
    if (!data) return data;
    const rest = withoutNotification(data, notification.id);
    const [first, ...others] = rest.pages;
    if (!first) return data;
    return { ...rest, pages: [{ ...first, items: [notification, ...first.items] }, ...others] };
  });
}

/** A notification whose every actor took their action back (an unlike, an unfollow). */
export function removeNotification(queryClient: QueryClient, id: string): void {
  queryClient.setQueryData<Pages>(notificationKeys.list(), (data) => data && withoutNotification(data, id));
}

export function setUnreadCount(queryClient: QueryClient, count: number): void {
  queryClient.setQueryData(notificationKeys.unreadCount(), { count });
}

function markedRead(data: Pages): Pages {
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.map((item) => (item.read ? item : { ...item, read: true })),
    })),
  };
}

/**
 * Marks notifications read: up to one of them (it and everything older), or all. The badge
 * drops at once; the server's own count follows on the live stream and is asked for again
 * once the request is done (a notification may have arrived meanwhile).
 *
 * The list keeps its highlights after an `upTo` (what was new stays visible while the screen
 * is open); marking all read is the person asking for them to go.
 */
export function useMarkNotificationsReadMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upTo: string | undefined) =>
      unwrap(api.POST('/api/notifications/read', { body: upTo === undefined ? {} : { upTo } })),
    onMutate: async (upTo) => {
      await queryClient.cancelQueries({ queryKey: notificationKeys.unreadCount() });
      setUnreadCount(queryClient, 0);
      if (upTo === undefined) {
        queryClient.setQueryData<Pages>(notificationKeys.list(), (data) => data && markedRead(data));
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.unreadCount() }),
  });
}

/**
 * What the person saw on the screen, read in the cache too (the server already has it): the
 * highlights stay while the screen is open and are gone the next time it opens.
 */
export function markLoadedRead(queryClient: QueryClient, upTo: string): void {
  queryClient.setQueryData<Pages>(notificationKeys.list(), (data) => {
    if (!data) return data;
    let reached = false;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.map((item) => {
          reached ||= item.id === upTo;
          return reached && !item.read ? { ...item, read: true } : item;
        }),
      })),
    };
  });
}
