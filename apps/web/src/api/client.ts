import createClient, { type Middleware } from 'openapi-fetch';

import { ApiError } from '#/api/problem';
import type { paths } from '#/api/schema';
import { tokenStore, type StoredTokens } from '#/api/token-store';

/**
 * The one HTTP client of the app, typed from the server's OpenAPI document. Every call goes
 * through it, so authentication, token refresh and error shapes are handled in one place.
 */
export const api = createClient<paths>({ baseUrl: '' });

/** Routes that take no access token: sending one (even a stale one) would only get in the way. */
const PUBLIC_PATHS = new Set([
  '/api/auth/signup',
  '/api/auth/login',
  '/api/auth/refresh',
  '/api/auth/logout',
]);

/**
 * Refresh a little before the access token expires, so the normal path never meets a 401
 * (the browser would log each one as an error).
 */
const EXPIRY_MARGIN_MS = 30_000;

function expiresSoon(tokens: StoredTokens): boolean {
  return tokens.expiresAt - Date.now() < EXPIRY_MARGIN_MS;
}

let refreshing: Promise<StoredTokens | null> | undefined;

/**
 * Rotates the refresh token once, however many requests ask at the same time: they all share
 * one in-flight refresh. Refresh tokens are single-use (a re-used one revokes its family), so
 * tabs take a Web Lock and re-read storage inside it: if another tab already rotated, its
 * tokens are used instead of rotating again.
 *
 * Resolves to the new tokens, or null when the session is over (the tokens are then cleared,
 * which signs the app out) or could not be refreshed right now (network, 5xx: tokens kept).
 */
export function refreshSession(staleAccessToken: string): Promise<StoredTokens | null> {
  refreshing ??= withRefreshLock(() => rotate(staleAccessToken)).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return task();
  let result!: T;
  await locks.request('glimpse.refresh', async () => {
    result = await task();
  });
  return result;
}

async function rotate(staleAccessToken: string): Promise<StoredTokens | null> {
  const current = tokenStore.get();
  if (!current) return null;
  if (current.accessToken !== staleAccessToken && !expiresSoon(current)) return current;
  try {
    const { data, response } = await api.POST('/api/auth/refresh', {
      body: { refreshToken: current.refreshToken },
    });
    if (data) return tokenStore.set(data);
    // The refresh token is unknown, expired, revoked or re-used: the session is over.
    if (response.status === 401) tokenStore.clear();
    return null;
  } catch {
    return null;
  }
}

/**
 * A usable access token for a request made outside `api` (an upload sent with
 * XMLHttpRequest for its progress events), refreshed first when it is about to expire.
 */
export async function currentAccessToken(): Promise<string | undefined> {
  let tokens = tokenStore.get();
  if (tokens && expiresSoon(tokens)) tokens = (await refreshSession(tokens.accessToken)) ?? tokenStore.get();
  return tokens?.accessToken;
}

function bearer(tokens: StoredTokens): string {
  return `Bearer ${tokens.accessToken}`;
}

/** A pristine copy of each authenticated request, for the one retry after a refresh. */
const retryCopies = new Map<string, Request>();

const authMiddleware: Middleware = {
  async onRequest({ request, schemaPath, id }) {
    if (PUBLIC_PATHS.has(schemaPath)) return undefined;
    let tokens = tokenStore.get();
    if (!tokens) return undefined;
    if (expiresSoon(tokens)) tokens = (await refreshSession(tokens.accessToken)) ?? tokenStore.get();
    if (!tokens) return undefined;
    retryCopies.set(id, request.clone());
    request.headers.set('Authorization', bearer(tokens));
    return request;
  },

  async onResponse({ request, response, id, options }) {
    const copy = retryCopies.get(id);
    retryCopies.delete(id);
    if (response.status !== 401 || !copy) return undefined;
    const sent = request.headers.get('Authorization')?.replace(/^Bearer /, '') ?? '';
    const tokens = await refreshSession(sent);
    if (!tokens) return undefined; // the 401 stands; a cleared session signs the app out
    copy.headers.set('Authorization', bearer(tokens));
    return options.fetch(copy);
  },

  onError({ id }) {
    retryCopies.delete(id);
    return undefined;
  },
};

api.use(authMiddleware);

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError built from the
 * problem+json body (or a network ApiError when the server could not be reached).
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw ApiError.network();
  }
  if (result.error !== undefined || !result.response.ok) {
    throw ApiError.fromResponse(result.error, result.response);
  }
  return result.data as T;
}
