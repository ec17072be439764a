import type { ReactNode, SVGProps } from 'react';

export type IconProps = SVGProps<SVGSVGElement> & { size?: number };

/** Line icons drawn inline (the CSP allows no icon fonts or CDNs), decorative by default. */
function icon(paths: ReactNode, displayName: string) {
  function Icon({ size = 24, strokeWidth = 2, ...props }: IconProps) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={strokeWidth}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
        {...props}
      >
        {paths}
      </svg>
    );
  }
  Icon.displayName = displayName;
  return Icon;
}

export const HomeIcon = icon(
  <>
    <path d="M3 10.2 12 3l9 7.2V20a1 1 0 0 1-1 1h-5v-6.5h-6V21H4a1 1 0 0 1-1-1z" />
  </>,
  'HomeIcon',
);

export const SearchIcon = icon(
  <>
    <circle cx="11" cy="11" r="7.5" />
    <path d="m20.5 20.5-4.2-4.2" />
  </>,
  'SearchIcon',
);

export const CompassIcon = icon(
  <>
    <circle cx="12" cy="12" r="9.5" />
    <path d="m15.8 8.2-2.1 5.5-5.5 2.1 2.1-5.5z" />
  </>,
  'CompassIcon',
);

export const HeartIcon = icon(
  <path d="M19 14c1.5-1.5 3-3.2 3-5.5A5.5 5.5 0 0 0 16.5 3c-1.8 0-3 .5-4.5 2-1.5-1.5-2.7-2-4.5-2A5.5 5.5 0 0 0 2 8.5c0 2.3 1.5 4 3 5.5l7 7z" />,
  'HeartIcon',
);

export const PlusSquareIcon = icon(
  <>
    <rect width="18" height="18" x="3" y="3" rx="5" />
    <path d="M8 12h8M12 8v8" />
  </>,
  'PlusSquareIcon',
);

export const ChartIcon = icon(
  <>
    <path d="M3 3v16a2 2 0 0 0 2 2h16" />
    <path d="M8 17v-4M13 17V7M18 17v-7" />
  </>,
  'ChartIcon',
);

export const UserIcon = icon(
  <>
    <circle cx="12" cy="8" r="4.5" />
    <path d="M20 21a8 8 0 0 0-16 0" />
  </>,
  'UserIcon',
);

export const UsersIcon = icon(
  <>
    <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" />
    <circle cx="9" cy="7" r="4" />
    <path d="M22 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8" />
  </>,
  'UsersIcon',
);

export const LogOutIcon = icon(
  <>
    <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
    <path d="m16 17 5-5-5-5M21 12H9" />
  </>,
  'LogOutIcon',
);

export const CameraIcon = icon(
  <>
    <path d="M14.5 4h-5L7 7H4a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V9a2 2 0 0 0-2-2h-3z" />
    <circle cx="12" cy="13" r="3.5" />
  </>,
  'CameraIcon',
);

export const GridIcon = icon(
  <>
    <rect width="18" height="18" x="3" y="3" rx="2" />
    <path d="M3 9h18M3 15h18M9 3v18M15 3v18" />
  </>,
  'GridIcon',
);

export const ArrowLeftIcon = icon(<path d="m12 19-7-7 7-7M19 12H5" />, 'ArrowLeftIcon');

export const CheckIcon = icon(<path d="M20 6 9 17l-5-5" />, 'CheckIcon');

export const XIcon = icon(<path d="M18 6 6 18M6 6l12 12" />, 'XIcon');

export const AlertIcon = icon(
  <>
    <circle cx="12" cy="12" r="9.5" />
    <path d="M12 7.5v5M12 16.5h.01" />
  </>,
  'AlertIcon',
);

export const SparklesIcon = icon(
  <>
    <path d="M12 3 10.1 8.1 5 10l5.1 1.9L12 17l1.9-5.1L19 10l-5.1-1.9z" />
    <path d="M5 3v4M3 5h4M19 17v4M17 19h4" />
  </>,
  'SparklesIcon',
);

export const PencilIcon = icon(<path d="M17 3a2.8 2.8 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5z" />, 'PencilIcon');

export const ChevronLeftIcon = icon(<path d="m15 18-6-6 6-6" />, 'ChevronLeftIcon');

export const ChevronRightIcon = icon(<path d="m9 18 6-6-6-6" />, 'ChevronRightIcon');

export const ImageIcon = icon(
  <>
    <rect width="18" height="18" x="3" y="3" rx="3" />
    <circle cx="9" cy="9" r="2" />
    <path d="m21 15-3.1-3.1a2 2 0 0 0-2.8 0L6 21" />
  </>,
  'ImageIcon',
);

/** Two stacked frames: the badge of a post with several photos. */
export const StackIcon = icon(
  <>
    <rect width="14" height="14" x="8" y="8" rx="2" />
    <path d="M4 16a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2" />
  </>,
  'StackIcon',
);

export const TrashIcon = icon(
  <>
    <path d="M3 6h18M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6" />
  </>,
  'TrashIcon',
);

export const UploadIcon = icon(
  <>
    <path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4" />
    <path d="m17 8-5-5-5 5M12 3v12" />
  </>,
  'UploadIcon',
);

export const MessageIcon = icon(
  <path d="M21 11.5a8.4 8.4 0 0 1-9 8.4 9 9 0 0 1-4-.9L3 20.5l1.5-4.6A8.4 8.4 0 0 1 3.5 11.5 8.5 8.5 0 0 1 12 3a8.5 8.5 0 0 1 9 8.5z" />,
  'MessageIcon',
);

export const RefreshIcon = icon(
  <>
    <path d="M21 12a9 9 0 0 1-15.5 6.2L3 16M3 12a9 9 0 0 1 15.5-6.2L21 8" />
    <path d="M21 3v5h-5M3 21v-5h5" />
  </>,
  'RefreshIcon',
);
