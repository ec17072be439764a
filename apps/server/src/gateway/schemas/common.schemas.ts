import { z } from 'zod';

import { responseSchema } from './registry.js';

/** 64-bit ids travel as decimal strings: JavaScript numbers cannot hold them. */
export const IdString = z.string().regex(/^[0-9]{1,20}$/, 'must be a decimal id');

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const ProblemSchema = responseSchema(
  'Problem',
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  }),
  'RFC 9457 problem details (application/problem+json).',
);

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(512).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const UsernameParam = z.object({
  username: z.string().min(1).max(64),
});
