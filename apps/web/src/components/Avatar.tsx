import type { components } from '#/api/schema';
import { initials } from '#/lib/format';

type Media = components['schemas']['Media'];

export interface AvatarUser {
  username: string;
  displayName: string;
  avatar: Media | null;
}

const SIZES = {
  xs: 'size-6 text-[10px]',
  sm: 'size-8 text-xs',
  md: 'size-11 text-base',
  lg: 'size-20 text-2xl',
  xl: 'size-20 text-2xl sm:size-36 sm:text-5xl',
} as const;

/** Soft two-tone gradients; each person always gets the same one. */
const PALETTES = [
  'from-amber-200 to-rose-300 text-rose-900',
  'from-sky-200 to-indigo-300 text-indigo-900',
  'from-emerald-200 to-teal-300 text-teal-900',
  'from-fuchsia-200 to-purple-300 text-purple-900',
  'from-orange-200 to-pink-300 text-pink-900',
  'from-lime-200 to-emerald-300 text-emerald-900',
  'from-cyan-200 to-blue-300 text-blue-900',
] as const;

function paletteFor(username: string): string {
  let hash = 0;
  for (const char of username.toLowerCase()) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return PALETTES[hash % PALETTES.length] ?? PALETTES[0];
}

function bestVariant(media: Media | null): string | undefined {
  if (!media || media.status !== 'ready') return undefined;
  const [smallest] = [...media.variants].sort((a, b) => a.width - b.width);
  return smallest?.url;
}

/**
 * A round avatar: the picture once people can upload one, until then their initials on a
 * gradient. `ring` adds the brand-gradient ring used on profile headers.
 */
export function Avatar({
  user,
  size = 'md',
  ring = false,
  decorative = true,
}: {
  user: AvatarUser;
  size?: keyof typeof SIZES;
  ring?: boolean;
  /** Most avatars sit next to the name, which already says who it is. */
  decorative?: boolean;
}) {
  const url = bestVariant(user.avatar);
  const label = `${user.displayName || user.username}’s profile picture`;
  const face = url ? (
    <img
      src={url}
      alt={decorative ? '' : label}
      className={`${SIZES[size]} rounded-full bg-soft object-cover`}
      loading="lazy"
    />
  ) : (
    <span
      role={decorative ? undefined : 'img'}
      aria-label={decorative ? undefined : label}
      aria-hidden={decorative ? true : undefined}
      className={`${SIZES[size]} ${paletteFor(user.username)} inline-flex shrink-0 select-none items-center justify-center rounded-full bg-linear-to-br font-semibold`}
    >
      {initials(user.displayName, user.username)}
    </span>
  );
  if (!ring) return face;
  return (
    <span className="bg-brand inline-flex shrink-0 rounded-full p-[3px]">
      <span className="inline-flex rounded-full bg-white p-[3px]">{face}</span>
    </span>
  );
}
