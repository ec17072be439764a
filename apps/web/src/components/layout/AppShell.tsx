import { Outlet } from 'react-router';

import { BottomNav } from '#/components/layout/BottomNav';
import { SideNav } from '#/components/layout/SideNav';
import { TopBar } from '#/components/layout/TopBar';
import { useLiveNotifications } from '#/state/live-notifications';
import { useSession } from '#/state/session';

export function SkipLink() {
  return (
    <a
      href="#main"
      className="sr-only z-50 rounded-lg bg-ink px-4 py-2 text-sm font-semibold text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
    >
      Skip to content
    </a>
  );
}

/** Renders nothing: holds the live notification stream open while someone is signed in. */
function LiveNotifications({ userId }: { userId: string }) {
  useLiveNotifications(userId);
  return null;
}

/**
 * The signed-in frame every screen slots into: top bar, the side navigation on desktops
 * and the tab bar on phones. Signed-out visitors (reading a profile) get the top bar only.
 */
export function AppShell() {
  const { me } = useSession();
  return (
    <div className="min-h-dvh bg-white">
      <SkipLink />
      <TopBar />
      <div className="flex">
        {me && <SideNav username={me.username} />}
        <main
          id="main"
          tabIndex={-1}
          className={`min-w-0 flex-1 outline-none ${me ? 'pb-20 md:pb-10' : 'pb-10'}`}
        >
          <Outlet />
        </main>
      </div>
      {me && <BottomNav username={me.username} />}
      {me && <LiveNotifications userId={me.id} />}
    </div>
  );
}
