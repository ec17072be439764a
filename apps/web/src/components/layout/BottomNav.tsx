import { NavLink } from 'react-router';

import { NAV_ITEMS } from '#/components/layout/nav-items';

/** The phone's tab bar: five slots, icons only (labels for screen readers). */
export function BottomNav({ username }: { username: string }) {
  return (
    <nav
      aria-label="Primary"
      className="fixed inset-x-0 bottom-0 z-30 border-t border-hairline bg-white/95 pb-[env(safe-area-inset-bottom)] backdrop-blur md:hidden"
    >
      <ul className="mx-auto flex h-14 max-w-md items-stretch justify-around">
        {NAV_ITEMS.filter((item) => item.mobile).map(({ label, icon: Icon, to }) => (
          <li key={label} className="flex flex-1">
            <NavLink
              to={to(username)}
              end
              className="flex flex-1 items-center justify-center rounded-xl transition-transform active:scale-95"
            >
              {({ isActive }) => (
                <>
                  <Icon size={26} strokeWidth={isActive ? 2.6 : 1.9} />
                  <span className="sr-only">{label}</span>
                </>
              )}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
