import { useEffect, useRef, useState } from 'react';

import { submissionErrors, type FieldErrors } from '#/lib/form';

/**
 * The state every submit-once form shares: values, field and form errors, pending, and focus
 * moved to the first invalid field after a failed attempt (for keyboard and screen-reader
 * users).
 */
export function useForm<F extends string>(initial: Record<F, string>, labels: Record<F, string>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (attempt > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  /** Props for an input bound to one field. */
  const field = (name: F) => ({
    name,
    value: values[name],
    error: errors[name],
    onChange: (event: { target: { value: string } }) => {
      const value = event.target.value;
      setValues((current) => ({ ...current, [name]: value }));
      setErrors((current) => ({ ...current, [name]: undefined }));
    },
  });

  /**
   * Shows `localErrors` and stops when there are any; otherwise awaits `send`. A failure
   * becomes messages beside the fields and on the form, unless `claim` turns it into one
   * form message of its own. On success the form stays pending: the screen moves on.
   */
  const submit = async (
    localErrors: FieldErrors<F>,
    send: () => Promise<void>,
    claim?: (error: unknown) => string | undefined,
  ): Promise<void> => {
    setErrors(localErrors);
    setFormError(undefined);
    if (Object.keys(localErrors).length > 0) {
      setAttempt((count) => count + 1);
      return;
    }
    setPending(true);
    try {
      await send();
    } catch (error) {
      setPending(false);
      const claimed = claim?.(error);
      if (claimed) {
        setFormError(claimed);
        return;
      }
      const result = submissionErrors(error, labels);
      setErrors(result.fields);
      setFormError(result.form);
      setAttempt((count) => count + 1);
    }
  };

  return { values, errors, formError, pending, formRef, field, submit };
}
