import { useSyncExternalStore } from 'react';

import { CheckIcon, XIcon } from '#/components/icons';
import { dismissToast, toastStore } from '#/lib/toast';

/** Toasts float above the bottom nav on phones and in the corner on desktops. */
export function Toaster() {
  const toasts = useSyncExternalStore(toastStore.subscribe, toastStore.get);
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-20 z-50 flex flex-col items-center gap-2 px-4 md:bottom-6"
    >
      {toasts.map((toast) => (
        <div
          key={toast.id}
          role={toast.tone === 'error' ? 'alert' : 'status'}
          className="pointer-events-auto flex max-w-md animate-toast-in items-center gap-3 rounded-xl bg-ink px-4 py-3 text-sm text-white shadow-lg"
        >
          {toast.tone === 'info' && <CheckIcon size={18} className="shrink-0 text-emerald-400" />}
          <span className="flex-1">{toast.message}</span>
          <button
            type="button"
            onClick={() => dismissToast(toast.id)}
            className="-mr-1 rounded-full p-1 text-white/70 hover:text-white"
          >
            <XIcon size={16} />
            <span className="sr-only">Dismiss</span>
          </button>
        </div>
      ))}
    </div>
  );
}
