import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** A response that is not JSON, e.g. `text/event-stream` (documented, not validated). */
  contentType?: string;
}

/** Bodies a route takes as a stream instead of JSON: a multipart form or the bytes themselves. */
export type RawBodyType = 'multipart/form-data' | 'image/*';

/**
 * Per-user buckets counted on top of the general limits (see rate-limit.hook.ts): `upload`
 * for routes that bring bytes in.
 */
export type RateLimitBucket = 'upload';

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
  /**
   * `optional`: a valid token adds the viewer's perspective; `required`: 401 without one;
   * `admin`: 401 without a token, 403 unless it carries the admin role.
   */
  auth: 'none' | 'optional' | 'required' | 'admin';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * The content types of a streamed body; such a route takes no JSON body, and only such
   * routes accept these types (everything else answers 415 to them).
   */
  rawBody?: readonly RawBodyType[];
  rateLimitBucket?: RateLimitBucket;
  /**
   * The access token may come as `?access_token=` (EventSource cannot send headers). Only
   * where needed: a token in a URL ends up in browser history and proxy logs.
   */
  queryToken?: true;
  responses: Record<number, ResponseSpec>;
}

/** What a RouteSpec hands to Fastify's route config, for the hooks that run before Nest. */
export interface GatewayRouteConfig {
  rawBody?: readonly RawBodyType[];
  rateLimitBucket?: RateLimitBucket;
  queryToken?: true;
}

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface FastifyContextConfig extends GatewayRouteConfig {}
}

/** Keeps each spec's exact schema types, so controllers parse into precise types. */
export function route<const T extends RouteSpec>(spec: T): T {
  return spec;
}
