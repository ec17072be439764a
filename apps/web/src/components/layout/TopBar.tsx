import { Link, NavLink, useNavigate } from 'react-router';

import { Avatar } from '#/components/Avatar';
import { ButtonLink } from '#/components/Button';
import { HeartIcon, LogOutIcon } from '#/components/icons';
import { notificationsLabel, UnreadBadge } from '#/components/notifications/UnreadBadge';
import { HomeWordmark } from '#/components/Wordmark';
import { useUnreadNotificationCount } from '#/state/queries/notifications';
import { useSession } from '#/state/session';

/** Phones reach notifications from the top bar, as on Instagram (the tab bar is full). */
function NotificationsButton() {
  const unread = useUnreadNotificationCount();
  return (
    <NavLink
      to="/notifications"
      end
      aria-label={notificationsLabel(unread)}
      className="inline-flex size-9 items-center justify-center rounded-full transition-colors hover:bg-soft md:hidden"
    >
      {({ isActive }) => (
        <span className="relative">
          <HeartIcon size={24} strokeWidth={isActive ? 2.6 : 1.9} />
          <UnreadBadge count={unread} />
        </span>
      )}
    </NavLink>
  );
}

export function TopBar() {
  const { me, logout } = useSession();
  const navigate = useNavigate();

  const onLogout = () => {
    // Forgetting the tokens is synchronous; revoking them on the server finishes in the background.
    void logout();
    void navigate('/login', { replace: true });
  };

  return (
    <header className="sticky top-0 z-30 border-b border-hairline bg-white/90 backdrop-blur supports-[backdrop-filter]:bg-white/80">
      <div className="flex h-14 items-center justify-between gap-3 px-4 md:px-5">
        <HomeWordmark />
        {me ? (
          <div className="flex min-w-0 items-center gap-1.5">
            <NotificationsButton />
            <Link
              to={`/u/${me.username}`}
              className="flex min-w-0 items-center gap-2.5 rounded-full py-1 pr-1 pl-1 transition-colors hover:bg-canvas sm:pr-3"
            >
              <Avatar user={me} size="sm" />
              <span className="sr-only min-w-0 leading-tight sm:not-sr-only">
                <span className="block max-w-40 truncate text-sm font-semibold">
                  {me.displayName || me.username}
                </span>
                <span className="block max-w-40 truncate text-xs text-muted">@{me.username}</span>
              </span>
            </Link>
            <button
              type="button"
              onClick={onLogout}
              className="inline-flex h-9 items-center gap-2 rounded-lg px-2.5 text-sm font-semibold text-ink transition-colors hover:bg-soft"
            >
              <LogOutIcon size={20} />
              <span className="sr-only sm:not-sr-only">Log out</span>
            </button>
          </div>
        ) : (
          <div className="flex items-center gap-2">
            <ButtonLink to="/login" size="sm">
              Log in
            </ButtonLink>
            <ButtonLink to="/signup" size="sm" variant="ghost" className="text-accent">
              Sign up
            </ButtonLink>
          </div>
        )}
      </div>
    </header>
  );
}
