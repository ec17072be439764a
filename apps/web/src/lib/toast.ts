export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
}

type Listener = () => void;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const TOAST_MS = 4000;

function emit() {
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((toast) => toast.id !== id);
  emit();
}

/** Short confirmations and background failures (a follow that did not stick). */
export function showToast(message: string, tone: Toast['tone'] = 'info'): void {
  const toast: Toast = { id: nextId++, message, tone };
  toasts = [...toasts.slice(-2), toast];
  emit();
  window.setTimeout(() => dismissToast(toast.id), TOAST_MS);
}

export const toastStore = {
  get: (): readonly Toast[] => toasts,
  subscribe: (listener: Listener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
