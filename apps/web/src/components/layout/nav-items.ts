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
  /** Where it goes, for the signed-in person. */
  to: (username: string) => string;
  /** Whether it has a slot in the phone's bottom bar (five at most). */
  mobile: boolean;
  /** Shows how many notifications are unread. */
  unreadBadge?: boolean;
}

/** The app's sections, in the order the navigation lists them. */
export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Home', icon: HomeIcon, to: () => '/', mobile: true },
  { label: 'Search', icon: SearchIcon, to: () => '/search', mobile: true },
  { label: 'Explore', icon: CompassIcon, to: () => '/explore', mobile: true },
  { label: 'Create', icon: PlusSquareIcon, to: () => '/create', mobile: true },
  // On phones notifications sit in the top bar (as on Instagram), leaving Explore a tab, and
  // analytics is a button on one's own profile.
  { label: 'Notifications', icon: HeartIcon, to: () => '/notifications', mobile: false, unreadBadge: true },
  { label: 'Analytics', icon: ChartIcon, to: () => '/analytics', mobile: false },
  { label: 'Profile', icon: UserIcon, to: (username) => `/u/${username}`, mobile: true },
];
