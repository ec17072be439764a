import { ApiError, errorMessage, fieldMessage } from '#/api/problem';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/**
 * Splits a failed submission into messages for the form's own fields (shown beside each
 * input) and one message for the whole form (anything no field can show).
 */
export function submissionErrors<F extends string>(
  error: unknown,
  labels: Record<F, string>,
): { fields: FieldErrors<F>; form: string | undefined } {
  const fields: FieldErrors<F> = {};
  if (!(error instanceof ApiError)) return { fields, form: errorMessage(error) };
  const leftovers: string[] = [];
  for (const { path, message } of error.fieldErrors) {
    if (Object.hasOwn(labels, path)) {
      const field = path as F;
      fields[field] ??= fieldMessage(labels[field], message);
    } else {
      leftovers.push(fieldMessage(path, message));
    }
  }
  const placed = Object.keys(fields).length > 0;
  const form = leftovers.length > 0 ? leftovers.join(' ') : placed ? undefined : errorMessage(error);
  return { fields, form };
}
