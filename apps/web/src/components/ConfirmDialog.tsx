import { useEffect, useId, useRef, type ReactNode } from 'react';

import { Button } from '#/components/Button';

/**
 * A modal question with two answers, on the native <dialog>: focus moves into it and stays
 * there, Escape cancels, and focus returns to where it was when it closes.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  pending = false,
  tone = 'danger',
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  /** danger: the confirming answer destroys something, and is shown in red. */
  tone?: 'danger' | 'neutral';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      onCancel={(event) => {
        // Escape: the parent owns `open`, so it decides (and a pending delete is not interrupted).
        event.preventDefault();
        if (!pending) onCancel();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog element itself.
        if (event.target === event.currentTarget && !pending) onCancel();
      }}
      className="m-auto w-[min(92vw,400px)] overflow-hidden rounded-2xl bg-white p-0 text-center text-ink shadow-2xl backdrop:bg-black/50"
    >
      <div className="px-6 pt-7 pb-5">
        <h2 id={titleId} className="text-lg font-bold">
          {title}
        </h2>
        {children && (
          <div id={bodyId} className="mt-1.5 text-sm text-muted">
            {children}
          </div>
        )}
      </div>
      <div className="flex flex-col border-t border-hairline">
        <Button
          variant={tone === 'danger' ? 'danger' : 'ghost'}
          size="lg"
          loading={pending}
          onClick={onConfirm}
          className="rounded-none"
        >
          {confirmLabel}
        </Button>
        <Button
          variant="ghost"
          size="lg"
          disabled={pending}
          onClick={onCancel}
          className="rounded-none border-t border-hairline"
        >
          Cancel
        </Button>
      </div>
    </dialog>
  );
}
