import type { ComponentType } from 'react';
import { Link } from 'react-router';

import { Avatar } from '#/components/Avatar';
import { ButtonLink } from '#/components/Button';
import {
  ChartIcon,
  CompassIcon,
  HeartIcon,
  PlusSquareIcon,
  SearchIcon,
  SparklesIcon,
  type IconProps,
} from '#/components/icons';
import { useTitle } from '#/lib/use-title';
import { useSession } from '#/state/session';

const COMING: readonly { icon: ComponentType<IconProps>; title: string; body: string }[] = [
  { icon: CompassIcon, title: 'Explore', body: 'Popular posts from everyone.' },
  { icon: HeartIcon, title: 'Notifications', body: 'Likes, comments and new followers.' },
  { icon: ChartIcon, title: 'Analytics', body: 'See who your photos reach.' },
];

/** A still preview of a feed post, so the empty home shows what is coming. */
function PostPreview({ tint }: { tint: string }) {
  return (
    <article aria-hidden="true" className="overflow-hidden rounded-2xl border border-hairline bg-white">
      <div className="flex items-center gap-3 px-4 py-3">
        <span className="size-8 rounded-full bg-soft" />
        <span className="h-3 w-28 rounded-full bg-soft" />
      </div>
      <div className={`aspect-[4/3] bg-linear-to-br ${tint}`} />
      <div className="space-y-2 px-4 py-3.5">
        <div className="flex gap-3 text-muted/60">
          <HeartIcon size={22} />
          <span className="h-[22px] w-[22px] rounded-full border-2 border-current" />
        </div>
        <span className="block h-3 w-2/3 rounded-full bg-soft" />
        <span className="block h-3 w-1/3 rounded-full bg-soft" />
      </div>
    </article>
  );
}

export function HomeScreen() {
  useTitle(undefined);
  const { me } = useSession();
  if (!me) return null;
  const firstName = (me.displayName || me.username).split(/\s+/)[0];

  return (
    <div className="mx-auto grid max-w-[1000px] gap-10 px-4 py-6 md:py-10 lg:grid-cols-[minmax(0,1fr)_300px]">
      <div className="mx-auto w-full max-w-[500px] space-y-6">
        <section
          aria-labelledby="feed-soon"
          className="rounded-3xl border border-hairline bg-white px-6 py-10 text-center shadow-[0_1px_2px_rgba(0,0,0,0.04)] sm:px-10"
        >
          <span className="bg-brand mx-auto flex size-16 items-center justify-center rounded-2xl text-white shadow-md">
            <SparklesIcon size={30} />
          </span>
          <p className="mt-5 text-sm font-medium text-muted">Welcome, {firstName}</p>
          <h1 id="feed-soon" className="mt-1 text-2xl font-extrabold tracking-tight">
            Your feed is on its way
          </h1>
          <p className="mx-auto mt-2 max-w-sm text-[15px] leading-relaxed text-muted">
            Photos from the people you follow will show up here soon. Until then, find people you know and
            share a photo of your own.
          </p>
          <div className="mt-7 flex flex-col justify-center gap-2 sm:flex-row">
            <ButtonLink to="/search" size="lg">
              <SearchIcon size={18} strokeWidth={2.4} />
              Find people
            </ButtonLink>
            <ButtonLink to="/create" size="lg" variant="secondary">
              <PlusSquareIcon size={18} strokeWidth={2.2} />
              Share a photo
            </ButtonLink>
          </div>
        </section>
        <div className="space-y-6 opacity-70">
          <p className="text-center text-xs font-semibold tracking-widest text-muted uppercase">
            A peek at what’s coming
          </p>
          <PostPreview tint="from-amber-200 via-rose-300 to-violet-300" />
        </div>
      </div>

      <aside className="hidden space-y-6 lg:block" aria-label="Your account and what’s next">
        <Link
          to={`/u/${me.username}`}
          className="flex items-center gap-3 rounded-2xl p-2 transition-colors hover:bg-canvas"
        >
          <Avatar user={me} size="md" />
          <span className="min-w-0 leading-tight">
            <span className="block truncate text-sm font-semibold">{me.displayName || me.username}</span>
            <span className="block truncate text-sm text-muted">@{me.username}</span>
          </span>
        </Link>
        <section aria-labelledby="coming-soon" className="rounded-2xl border border-hairline p-5">
          <h2 id="coming-soon" className="text-sm font-bold">
            Coming soon to Glimpse
          </h2>
          <ul className="mt-4 space-y-4">
            {COMING.map(({ icon: Icon, title, body }) => (
              <li key={title} className="flex gap-3">
                <span className="flex size-9 shrink-0 items-center justify-center rounded-xl bg-canvas text-ink">
                  <Icon size={20} />
                </span>
                <span className="text-sm leading-tight">
                  <span className="block font-semibold">{title}</span>
                  <span className="text-muted">{body}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      </aside>
    </div>
  );
}
