import type { ReactNode } from 'react';

import { ApiError, errorMessage } from '#/api/problem';
import { Button } from '#/components/Button';
import { AlertIcon } from '#/components/icons';

/** A friendly, designed empty screen: round icon, a title, a line of help, maybe an action. */
export function EmptyState({
  icon,
  title,
  children,
  action,
  headingLevel = 2,
}: {
  icon: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  headingLevel?: 1 | 2 | 3;
}) {
  const Heading = `h${headingLevel}` as const;
  return (
    <div className="flex flex-col items-center px-6 py-14 text-center">
      <span className="mb-4 inline-flex size-16 items-center justify-center rounded-full border-2 border-ink text-ink">
        {icon}
      </span>
      <Heading className="text-xl font-extrabold tracking-tight">{title}</Heading>
      {children && <div className="mt-2 max-w-sm text-sm text-muted">{children}</div>}
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}

/** What went wrong, in words, with a way to try again. */
export function ErrorState({
  error,
  onRetry,
  retrying = false,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
  title?: string;
}) {
  const heading =
    title ??
    (error instanceof ApiError && error.status === 0 ? 'You seem to be offline' : 'Something went wrong');
  return (
    <div role="alert" className="flex flex-col items-center px-6 py-14 text-center">
      <span className="mb-4 inline-flex size-16 items-center justify-center rounded-full bg-danger/10 text-danger">
        <AlertIcon size={32} />
      </span>
      <h2 className="text-lg font-bold">{heading}</h2>
      <p className="mt-1.5 max-w-sm text-sm text-muted">{errorMessage(error)}</p>
      {onRetry && (
        <Button variant="secondary" className="mt-5" onClick={onRetry} loading={retrying}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** A form's overall error (the fields carry their own). */
export function FormAlert({ message }: { message: string | undefined }) {
  return (
    <div aria-live="assertive" className="empty:hidden">
      {message && (
        <p role="alert" className="rounded-lg bg-danger/8 px-3 py-2.5 text-center text-sm text-danger">
          {message}
        </p>
      )}
    </div>
  );
}
