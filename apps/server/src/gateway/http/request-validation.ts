import type { z } from 'zod';

import { fieldErrorsFromZod, ProblemException, validationProblem } from './problem.js';

type Location = 'body' | 'query' | 'params';

/**
 * Parses one part of a request with its route's schema. Failures answer 422 with every
 * offending field in `errors[]`; query and path fields are prefixed with their location so
 * clients can tell `limit` in the query from a body field of the same name.
 */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  location: Location,
): z.output<T> {
  const result = schema.safeParse(value ?? (location === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const prefix = location === 'body' ? undefined : location;
  throw new ProblemException(validationProblem(fieldErrorsFromZod(result.error, prefix)));
}
