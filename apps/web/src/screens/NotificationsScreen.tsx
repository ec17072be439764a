import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { errorMessage } from '#/api/problem';
import { Button, ButtonLink } from '#/components/Button';
import { CheckIcon, CompassIcon, HeartIcon } from '#/components/icons';
import { LoadMore } from '#/components/LoadMore';
import { NotificationItem, NotificationSkeleton } from '#/components/notifications/NotificationItem';
import { EmptyState, ErrorState } from '#/components/States';
import { itemsOf } from '#/lib/pages';
import { showToast } from '#/lib/toast';
import { usePageVisible } from '#/lib/use-page-visible';
import { useTitle } from '#/lib/use-title';
import { markLoadedRead, useMarkNotificationsReadMutation } from '#/state/mutations/notifications';
import { useNotificationsInfiniteQuery, type Notification } from '#/state/queries/notifications';

function NotificationsSkeleton({ rows = 6, label = 'Loading notifications' }) {
  return (
    <div role="status" aria-label={label}>
      <ul>
        {Array.from({ length: rows }, (_, index) => (
          <NotificationSkeleton key={index} />
        ))}
      </ul>
    </div>
  );
}

/**
 * Whatever is on screen counts as seen: the newest notification (and so everything older) is
 * marked read when the screen shows it, and again whenever a newer one arrives while the tab
 * is in front. Leaving the screen takes the highlights off in the cache.
 */
function useMarkSeen(items: readonly Notification[] | undefined): void {
  const queryClient = useQueryClient();
  const markRead = useMarkNotificationsReadMutation();
  const visible = usePageVisible();
  const marked = useRef<string | undefined>(undefined);
  const newest = items?.[0];
  const hasUnread = items?.some((item) => !item.read) ?? false;
  const { mutate } = markRead;

  useEffect(() => {
    if (!newest || !visible || !hasUnread || marked.current === newest.id) return;
    marked.current = newest.id;
    mutate(newest.id);
  }, [newest, visible, hasUnread, mutate]);

  useEffect(
    () => () => {
      if (marked.current !== undefined) markLoadedRead(queryClient, marked.current);
    },
    [queryClient],
  );
}

function MarkAllRead({ items }: { items: readonly Notification[] }) {
  const markRead = useMarkNotificationsReadMutation();
  if (!items.some((item) => !item.read)) return null;
  return (
    <Button
      variant="ghost"
      size="sm"
      className="text-accent"
      loading={markRead.isPending}
      onClick={() =>
        markRead.mutate(undefined, {
          onError: (error) => showToast(`Couldn’t mark them read. ${errorMessage(error)}`, 'error'),
        })
      }
    >
      <CheckIcon size={16} strokeWidth={2.4} />
      Mark all as read
    </Button>
  );
}

/** Likes, comments and new followers, newest first; live while the screen is open. */
export function NotificationsScreen() {
  useTitle('Notifications');
  const list = useNotificationsInfiniteQuery();
  const items = list.data ? itemsOf(list.data.pages) : undefined;
  useMarkSeen(items);

  let body;
  if (items) {
    body =
      items.length === 0 ? (
        <EmptyState
          icon={<HeartIcon size={30} strokeWidth={1.6} />}
          title="Activity on your posts"
          action={
            <ButtonLink to="/explore" variant="secondary">
              <CompassIcon size={16} strokeWidth={2.2} />
              Explore posts
            </ButtonLink>
          }
        >
          When someone likes or comments on your photos, or follows you, you’ll see it here.
        </EmptyState>
      ) : (
        <>
          <ul aria-label="Notifications" aria-busy={list.isFetchingNextPage} className="md:space-y-1">
            {items.map((notification) => (
              <NotificationItem key={notification.id} notification={notification} />
            ))}
          </ul>
          <LoadMore
            query={list}
            errorTitle="Couldn’t load more notifications"
            placeholder={<NotificationsSkeleton rows={2} label="Loading more notifications" />}
          />
        </>
      );
  } else if (list.isError) {
    body = (
      <ErrorState
        error={list.error}
        title="Couldn’t load your notifications"
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  } else {
    body = <NotificationsSkeleton />;
  }

  return (
    <div className="mx-auto max-w-[600px] md:px-4 md:pt-6">
      <header className="flex min-h-9 items-center justify-between gap-3 px-4 pt-4 pb-3 md:px-0">
        <h1 className="text-2xl font-extrabold tracking-tight">Notifications</h1>
        {items && <MarkAllRead items={items} />}
      </header>
      {body}
    </div>
  );
}
