import type { ReactNode } from 'react';

import { SkipLink } from '#/components/layout/AppShell';
import { Wordmark } from '#/components/Wordmark';

/** Warm gradients standing in for photos in the welcome collage. */
const TILES = [
  'from-amber-300 via-orange-400 to-rose-500',
  'from-sky-300 via-cyan-400 to-teal-500',
  'from-fuchsia-400 via-purple-500 to-indigo-600',
  'from-lime-300 via-emerald-400 to-teal-600',
  'from-rose-300 via-pink-400 to-fuchsia-500',
  'from-indigo-300 via-blue-400 to-sky-500',
  'from-yellow-200 via-amber-400 to-orange-500',
  'from-teal-200 via-sky-400 to-indigo-500',
  'from-pink-300 via-rose-400 to-orange-400',
] as const;

/** A phone showing a grid of "photos": decoration for wide screens only. */
function Collage() {
  return (
    <div aria-hidden="true" className="relative hidden h-[560px] w-[340px] shrink-0 lg:block">
      <div className="absolute inset-0 rotate-[-4deg] rounded-[44px] bg-linear-to-br from-amber-200/60 via-rose-200/60 to-indigo-200/60 blur-2xl" />
      <div className="relative h-full rounded-[44px] border-[10px] border-ink bg-white p-3 shadow-2xl">
        <div className="mb-3 flex items-center justify-between px-1 pt-1">
          <span className="text-brand text-lg font-extrabold tracking-tight">Glimpse</span>
          <span className="size-6 rounded-full bg-linear-to-br from-sky-200 to-indigo-300" />
        </div>
        <div className="mb-3 flex gap-2.5 px-1">
          {TILES.slice(0, 5).map((tile) => (
            <span key={tile} className="bg-brand rounded-full p-[2px]">
              <span className="block rounded-full bg-white p-[2px]">
                <span className={`block size-9 rounded-full bg-linear-to-br ${tile}`} />
              </span>
            </span>
          ))}
        </div>
        <div className="grid grid-cols-3 gap-1 overflow-hidden rounded-xl">
          {TILES.map((tile) => (
            <span key={tile} className={`aspect-square bg-linear-to-br ${tile}`} />
          ))}
          {TILES.slice(3, 6).map((tile) => (
            <span key={`b-${tile}`} className={`aspect-square bg-linear-to-tr ${tile}`} />
          ))}
        </div>
      </div>
    </div>
  );
}

/** Log in and sign up: a centered card, a second card to switch, the collage on desktops. */
export function AuthLayout({ children, footer }: { children: ReactNode; footer: ReactNode }) {
  return (
    <div className="min-h-dvh bg-white sm:bg-canvas">
      <SkipLink />
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto flex min-h-dvh max-w-4xl items-center justify-center gap-16 px-4 py-10 outline-none"
      >
        <Collage />
        <div className="w-full max-w-[360px] space-y-3">
          <section className="bg-white px-4 pt-6 pb-6 sm:rounded-2xl sm:border sm:border-line sm:px-10 sm:pt-10 sm:pb-8">
            <div className="mb-6 flex justify-center">
              <Wordmark size="lg" />
            </div>
            {children}
          </section>
          <div className="border-t border-hairline bg-white px-8 py-5 text-center text-sm sm:rounded-2xl sm:border sm:border-line">
            {footer}
          </div>
        </div>
      </main>
    </div>
  );
}
