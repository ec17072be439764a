import { applyDecorators, HttpCode, RequestMethod, RequestMapping, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';

import { AdminRequired, AuthOptional, AuthRequired } from '../auth/auth.guards.js';
import type { GatewayRouteConfig, RouteSpec } from './route-spec.js';

const METHODS: Record<RouteSpec['method'], RequestMethod> = {
  GET: RequestMethod.GET,
  POST: RequestMethod.POST,
  PUT: RequestMethod.PUT,
  PATCH: RequestMethod.PATCH,
  DELETE: RequestMethod.DELETE,
};

/**
 * Binds a handler to its RouteSpec: method, path, success status and auth come from the
 * spec the OpenAPI document is generated from, so the served API is the documented one.
 * Streamed bodies and rate-limit buckets travel in Fastify's route config, where the
 * parsing and rate-limit hooks (which run before Nest) can read them.
 */
export function Route(spec: RouteSpec): MethodDecorator {
  const success = Object.keys(spec.responses)
    .map(Number)
    .find((status) => status >= 200 && status < 300);
  const decorators = [
    RequestMapping({ path: spec.path, method: METHODS[spec.method] }),
    HttpCode(success ?? 200),
  ];
  if (spec.auth === 'required') decorators.push(UseGuards(AuthRequired));
  if (spec.auth === 'optional') decorators.push(UseGuards(AuthOptional));
  if (spec.auth === 'admin') decorators.push(UseGuards(AdminRequired));
  const config: GatewayRouteConfig = {};
  if (spec.rawBody) config.rawBody = spec.rawBody;
  if (spec.rateLimitBucket) config.rateLimitBucket = spec.rateLimitBucket;
  if (spec.queryToken) config.queryToken = spec.queryToken;
  if (Object.keys(config).length > 0) decorators.push(RouteConfig(config));
  return applyDecorators(...decorators);
}
