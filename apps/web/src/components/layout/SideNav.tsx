import { NavLink } from 'react-router';

import { NAV_ITEMS } from '#/components/layout/nav-items';

/**
 * Desktop navigation: icons with labels from 1024 px, icons alone on tablets. Sections that
 * are not built yet are listed but inert, with a "Soon" badge.
 */
export function SideNav({ username }: { username: string }) {
  return (
    // The outer column draws the border down the whole page; the list inside stays in view.
    <div className="hidden w-[72px] shrink-0 border-r border-hairline md:block lg:w-64">
      <nav aria-label="Primary" className="sticky top-14 flex h-[calc(100dvh-3.5rem)] flex-col px-3 py-5">
        <ul className="space-y-1">
          {NAV_ITEMS.map(({ label, icon: Icon, to }) => (
            <li key={label}>
              {to ? (
                <NavLink
                  to={to(username)}
                  end
                  className={({ isActive }) =>
                    `group flex h-12 items-center gap-4 rounded-xl px-3 transition-colors hover:bg-canvas ${isActive ? 'font-bold' : 'font-normal'}`
                  }
                >
                  {({ isActive }) => (
                    <>
                      <Icon
                        size={26}
                        strokeWidth={isActive ? 2.6 : 1.9}
                        className="shrink-0 transition-transform group-hover:scale-105"
                      />
                      <span className="sr-only text-[15px] lg:not-sr-only">{label}</span>
                    </>
                  )}
                </NavLink>
              ) : (
                <span
                  aria-disabled="true"
                  title={`${label} is coming soon`}
                  className="flex h-12 cursor-default items-center gap-4 rounded-xl px-3 text-muted/70"
                >
                  <Icon size={26} strokeWidth={1.9} className="shrink-0" />
                  <span className="sr-only text-[15px] lg:not-sr-only">{label}</span>
                  <span className="sr-only">(coming soon)</span>
                  <span
                    aria-hidden="true"
                    className="ml-auto hidden rounded-full bg-soft px-1.5 py-0.5 text-[10px] font-semibold tracking-wide text-muted uppercase lg:inline"
                  >
                    Soon
                  </span>
                </span>
              )}
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
