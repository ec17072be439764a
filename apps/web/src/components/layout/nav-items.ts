import type { ComponentType } from 'react';

import {
  ChartIcon,
  CompassIcon,
  HeartIcon,
  HomeIcon,
  PlusSquareIcon,
  SearchIcon,
  UserIcon,
  type IconProps,
} from '#/components/icons';

export interface NavItem {
  label: string;
  icon: ComponentType<IconProps>;
  /** Where it goes; `null` for screens that are not built yet (shown, marked "soon"). */
  to: ((username: string) => string) | null;
  /** Whether it has a slot in the phone's bottom bar (five at most). */
  mobile: boolean;
}

/** The app's sections. Notifications and analytics slot in here as they ship. */
export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Home', icon: HomeIcon, to: () => '/', mobile: true },
  { label: 'Search', icon: SearchIcon, to: () => '/search', mobile: true },
  { label: 'Explore', icon: CompassIcon, to: () => '/explore', mobile: true },
  { label: 'Create', icon: PlusSquareIcon, to: () => '/create', mobile: true },
  // On phones notifications will sit in the top bar (as on Instagram), leaving Explore a tab.
  { label: 'Notifications', icon: HeartIcon, to: null, mobile: false },
  { label: 'Analytics', icon: ChartIcon, to: null, mobile: false },
  { label: 'Profile', icon: UserIcon, to: (username) => `/u/${username}`, mobile: true },
];
