import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { openNotificationStream } from '#/api/notification-stream';
import { removeNotification, setUnreadCount, upsertNotification } from '#/state/mutations/notifications';
import { notificationKeys } from '#/state/queries/notifications';

/**
 * Keeps the notification list and the unread badge current from the live stream, for as long
 * as the component that calls it is mounted (the signed-in frame: a new person, a new stream).
 */
export function useLiveNotifications(userId: string): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let counts = 0;
    return openNotificationStream({
      notification: (notification) => upsertNotification(queryClient, notification),
      removed: (id) => removeNotification(queryClient, id),
      unreadCount: (count) => {
        // The answer to a request sent before this event would be older than it: such a
        // request is called off first, and only the latest event's count is kept.
        const event = ++counts;
        void queryClient.cancelQueries({ queryKey: notificationKeys.unreadCount() }).then(() => {
          if (event === counts) setUnreadCount(queryClient, count);
        });
      },
      restarted: () => void queryClient.invalidateQueries({ queryKey: notificationKeys.list() }),
    });
  }, [queryClient, userId]);
}
