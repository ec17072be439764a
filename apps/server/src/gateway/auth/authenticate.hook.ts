import type { FastifyRequest } from 'fastify';

import type { AccessTokenVerifier } from './principal.js';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Resolves the caller once per request, before rate limiting and idempotency (both are
 * per user). Deciding whether a route needs a caller is the guards' job, not this hook's.
 * SSE clients cannot set headers, so routes marked `queryToken` accept `access_token` in the
 * query too; no other route does (a token in a URL leaks into history and proxy logs).
 */
export function authenticateHook(verifier: AccessTokenVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    if (!token) return;
    try {
      request.principal = await verifier.verify(token);
    } catch {
      request.authError = 'The access token is invalid or expired.';
    }
  };
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) return BEARER.exec(header)?.[1];
  if (request.routeOptions.config.queryToken !== true) return undefined;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.access_token;
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery : undefined;
}
