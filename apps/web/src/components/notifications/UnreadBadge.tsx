/** Above this the badge says "99+": a count that size is a prompt, not information. */
const MAX_SHOWN = 99;

/** "Notifications, 3 unread": the name of every link to the notifications screen. */
export function notificationsLabel(count: number): string {
  return count > 0 ? `Notifications, ${count} unread` : 'Notifications';
}

/**
 * The red count over the notifications icon. Decorative: the link's name says the number
 * (see notificationsLabel), so screen readers hear it once.
 */
export function UnreadBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span
      aria-hidden="true"
      className="absolute -top-1.5 -right-2 flex h-[18px] min-w-[18px] items-center justify-center rounded-full bg-danger px-1 text-[11px] leading-none font-bold text-white ring-2 ring-white"
    >
      {count > MAX_SHOWN ? `${MAX_SHOWN}+` : count}
    </span>
  );
}
