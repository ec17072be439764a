import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Avatar } from '#/components/Avatar';
import { ImageIcon } from '#/components/icons';
import { Skeleton } from '#/components/Skeleton';
import { formatFullDate, formatRelativeTime } from '#/lib/format';
import type { Notification } from '#/state/queries/notifications';
import type { UserSummary } from '#/state/queries/users';

function ActorLink({ user }: { user: UserSummary }) {
  return (
    <Link to={`/u/${user.username}`} className="rounded-sm font-semibold hover:underline">
      {user.username}
    </Link>
  );
}

/**
 * Who did it, Instagram style: "ana", "ana and bo", "ana and 12 others" (the newest actor
 * first). Fewer actors than the count can come back when some accounts are gone.
 */
function Actors({ actors, count }: { actors: readonly UserSummary[]; count: number }) {
  const [first, second] = actors;
  if (!first) return <>Someone</>;
  if (count <= 1) return <ActorLink user={first} />;
  if (count === 2 && second) {
    return (
      <>
        <ActorLink user={first} /> and <ActorLink user={second} />
      </>
    );
  }
  const others = count - 1;
  return (
    <>
      <ActorLink user={first} /> and {others} {others === 1 ? 'other' : 'others'}
    </>
  );
}

function what(notification: Notification): ReactNode {
  switch (notification.type) {
    case 'like':
      return ' liked your photo.';
    case 'follow':
      return ' started following you.';
    case 'comment':
      return (
        <>
          {' commented: '}
          <span className="break-words">“{notification.comment?.body ?? ''}”</span>
        </>
      );
  }
}

/** The newest actors' faces: one, or two overlapping (as on Instagram). */
function Faces({ actors }: { actors: readonly UserSummary[] }) {
  const [first, second] = actors;
  if (!first) return <span className="size-11 shrink-0 rounded-full bg-soft" />;
  const link = (user: UserSummary, children: ReactNode, className: string) => (
    // The names in the sentence are the links a screen reader or keyboard needs.
    <Link to={`/u/${user.username}`} tabIndex={-1} aria-hidden="true" className={className}>
      {children}
    </Link>
  );
  if (!second) return link(first, <Avatar user={first} size="md" />, 'shrink-0 rounded-full');
  return (
    <span className="relative size-11 shrink-0">
      {link(second, <Avatar user={second} size="sm" />, 'absolute top-0 left-0 rounded-full')}
      {link(
        first,
        <Avatar user={first} size="sm" />,
        'absolute right-0 bottom-0 rounded-full ring-2 ring-white',
      )}
    </span>
  );
}

function PostThumbnail({ post }: { post: NonNullable<Notification['post']> }) {
  return (
    <Link
      to={`/p/${post.id}`}
      className="size-11 shrink-0 overflow-hidden rounded-md bg-soft focus-visible:outline-offset-2"
    >
      {post.thumbnailUrl ? (
        <img src={post.thumbnailUrl} alt="" loading="lazy" className="size-full object-cover" />
      ) : (
        <span className="flex size-full items-center justify-center text-muted">
          <ImageIcon size={20} />
        </span>
      )}
      <span className="sr-only">View post</span>
    </Link>
  );
}

/** One notification: faces, the sentence and when, and the photo it is about. Unread ones stand out. */
export function NotificationItem({ notification }: { notification: Notification }) {
  const { read } = notification;
  return (
    <li
      className={`flex items-center gap-3 px-4 py-3 transition-colors md:rounded-xl ${read ? '' : 'bg-accent/6'}`}
    >
      <Faces actors={notification.actors} />
      <div className="min-w-0 flex-1 text-sm leading-snug">
        <p className="line-clamp-3">
          {!read && <span className="sr-only">New: </span>}
          <Actors actors={notification.actors} count={notification.actorCount} />
          {what(notification)}
        </p>
        <p className="mt-0.5 text-xs text-muted">
          <time dateTime={notification.createdAt} title={formatFullDate(notification.createdAt)}>
            {formatRelativeTime(notification.createdAt)}
          </time>
        </p>
      </div>
      {notification.post && <PostThumbnail post={notification.post} />}
      {!read && <span aria-hidden="true" className="size-2 shrink-0 rounded-full bg-accent" />}
    </li>
  );
}

export function NotificationSkeleton() {
  return (
    <li aria-hidden="true" className="flex items-center gap-3 px-4 py-3">
      <Skeleton round className="size-11 shrink-0" />
      <span className="flex-1 space-y-2">
        <Skeleton className="h-3.5 w-3/4" />
        <Skeleton className="h-3 w-16" />
      </span>
      <Skeleton className="size-11 shrink-0" />
    </li>
  );
}
