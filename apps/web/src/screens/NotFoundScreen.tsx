import { ButtonLink } from '#/components/Button';
import { CompassIcon } from '#/components/icons';
import { EmptyState } from '#/components/States';
import { useTitle } from '#/lib/use-title';

export function NotFoundScreen() {
  useTitle('Page not found');
  return (
    <EmptyState
      icon={<CompassIcon size={30} strokeWidth={1.6} />}
      title="This page isn’t available"
      headingLevel={1}
      action={<ButtonLink to="/">Go home</ButtonLink>}
    >
      The link may be broken, or the page may have moved.
    </EmptyState>
  );
}
