import type { components } from '#/api/schema';

export type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Problem>;
  return typeof candidate.status === 'number' && typeof candidate.title === 'string';
}

/**
 * Every failed API call surfaces as an ApiError: an RFC 9457 problem from the server, or a
 * synthetic one when the server could not be reached (status 0), so screens handle one shape.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fieldErrors: readonly FieldError[];
  /** Seconds to wait before retrying, from Retry-After on 429 and 503. */
  readonly retryAfter: number | undefined;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.fieldErrors = problem.errors ?? [];
    this.retryAfter = retryAfter;
  }

  static fromResponse(body: unknown, response: Response): ApiError {
    const retryAfter = Number(response.headers.get('Retry-After') ?? Number.NaN);
    const problem: Problem = isProblem(body)
      ? body
      : { type: 'about:blank', title: response.statusText || 'Request failed', status: response.status };
    return new ApiError(problem, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }

  static network(): ApiError {
    return new ApiError({ type: 'about:blank', title: 'Network error', status: 0 });
  }

  /** The error attached to one field (`username`, `query.limit`…), if the server named it. */
  fieldError(path: string): string | undefined {
    return this.fieldErrors.find((error) => error.path === path)?.message;
  }
}

/** Retrying only helps when the server or the network failed, never on a 4xx answer. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
}

/** A sentence a person can act on, for any error a screen may meet. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.status === 0) return 'Can’t reach Glimpse right now. Check your connection and try again.';
  if (error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${Math.max(1, Math.ceil(error.retryAfter))} s.` : '';
    return `You’re going a little fast. Take a breath.${wait}`;
  }
  if (error.status >= 500) {
    return error.detail && error.status === 503
      ? error.detail
      : 'Glimpse is having trouble right now. Please try again in a moment.';
  }
  if (error.fieldErrors.length > 0 && !error.detail) return 'Please check the highlighted fields.';
  return error.detail ?? error.title;
}

/**
 * Server field messages come in two styles: a predicate (`is already taken`) that reads well
 * after the field's name, or a full sentence (`Too small: …`) that stands on its own.
 */
export function fieldMessage(label: string, message: string): string {
  const first = message.charAt(0);
  if (first !== '' && first === first.toLowerCase() && first !== first.toUpperCase()) {
    return `${label} ${message}`;
  }
  return message;
}
