import { NavLink } from 'react-router';

import { NAV_ITEMS } from '#/components/layout/nav-items';
import { notificationsLabel, UnreadBadge } from '#/components/notifications/UnreadBadge';
import { useUnreadNotificationCount } from '#/state/queries/notifications';

/** Desktop navigation: icons with labels from 1024 px, icons alone on tablets. */
export function SideNav({ username }: { username: string }) {
  const unread = useUnreadNotificationCount();
  return (
    // The outer column draws the border down the whole page; the list inside stays in view.
    <div className="hidden w-[72px] shrink-0 border-r border-hairline md:block lg:w-64">
      <nav aria-label="Primary" className="sticky top-14 flex h-[calc(100dvh-3.5rem)] flex-col px-3 py-5">
        <ul className="space-y-1">
          {NAV_ITEMS.map(({ label, icon: Icon, to, unreadBadge }) => (
            <li key={label}>
              <NavLink
                to={to(username)}
                end
                aria-label={unreadBadge && unread > 0 ? notificationsLabel(unread) : undefined}
                className={({ isActive }) =>
                  `group flex h-12 items-center gap-4 rounded-xl px-3 transition-colors hover:bg-canvas ${isActive ? 'font-bold' : 'font-normal'}`
                }
              >
                {({ isActive }) => (
                  <>
                    <span className="relative shrink-0">
                      <Icon
                        size={26}
                        strokeWidth={isActive ? 2.6 : 1.9}
                        className="transition-transform group-hover:scale-105"
                      />
                      {unreadBadge && <UnreadBadge count={unread} />}
                    </span>
                    <span className="sr-only text-[15px] lg:not-sr-only">{label}</span>
                  </>
                )}
              </NavLink>
            </li>
          ))}
        </ul>
        <p className="mt-auto hidden px-3 text-xs leading-relaxed text-muted lg:block">
          © {new Date().getFullYear()} Glimpse
        </p>
      </nav>
    </div>
  );
}
