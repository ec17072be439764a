import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

/**
 * One public route: the same schemas validate requests (controllers parse with them) and
 * document them (the OpenAPI document is generated from these specs), so they cannot drift.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** Fastify-style path, e.g. `/api/users/:username`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** `optional`: a valid token adds the viewer's perspective; `required`: 401 without one. */
  auth: 'none' | 'optional' | 'required';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
}

/** Keeps each spec's exact schema types, so controllers parse into precise types. */
export function route<const T extends RouteSpec>(spec: T): T {
  return spec;
}
