import { infiniteQueryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';
import { useSession } from '#/state/session';

export type Notification = components['schemas']['Notification'];
export type NotificationPage = components['schemas']['NotificationPage'];

const PAGE_SIZE = 20;

export const notificationKeys = {
  all: ['notifications'] as const,
  list: () => [...notificationKeys.all, 'list'] as const,
  unreadCount: () => [...notificationKeys.all, 'unread-count'] as const,
};

function notificationsQuery() {
  return infiniteQueryOptions({
    queryKey: notificationKeys.list(),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/notifications', {
          params: { query: { limit: PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage: NotificationPage) => lastPage.nextCursor ?? undefined,
  });
}

/**
 * The signed-in person's notifications, newest activity first, a page (20) at a time. The
 * live stream keeps the loaded pages current (see state/live-notifications.ts).
 */
export function useNotificationsInfiniteQuery() {
  return useInfiniteQuery(notificationsQuery());
}

/**
 * How many notifications are unread: asked once, then kept current by the live stream's
 * `unread-count` events (and asked again when the window regains focus, in case the stream
 * was down meanwhile).
 */
export function useUnreadCountQuery(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.unreadCount(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/notifications/unread-count', { signal })),
    enabled,
    select: (data) => data.count,
  });
}

/** How many notifications are unread: 0 while unknown, and for visitors who are signed out. */
export function useUnreadNotificationCount(): number {
  const { status } = useSession();
  return useUnreadCountQuery(status === 'signedIn').data ?? 0;
}
