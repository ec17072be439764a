import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  use,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
  type ReactNode,
} from 'react';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';
import { tokenStore } from '#/api/token-store';
import { useMeQuery, userKeys, type Me } from '#/state/queries/users';

export type SignupInput = components['schemas']['SignupRequest'];
export type LoginInput = components['schemas']['LoginRequest'];
type AuthSession = components['schemas']['AuthSession'];

export type SessionStatus = 'loading' | 'signedIn' | 'signedOut' | 'error';

interface SessionValue {
  status: SessionStatus;
  /** The signed-in user, once known. */
  me: Me | undefined;
  /** Why the current user could not be loaded (status 'error'). */
  error: unknown;
  retry: () => void;
  login: (input: LoginInput) => Promise<void>;
  signup: (input: SignupInput) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/**
 * Who is signed in. The tokens (localStorage) say whether there is a session; GET
 * /api/users/me says who it belongs to, and is only asked when there are tokens.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const tokens = useSyncExternalStore(tokenStore.subscribe, tokenStore.get);
  const hasTokens = tokens !== null;
  const meQuery = useMeQuery(hasTokens);

  // A session that ends without our logout (refresh token rejected, another tab signed
  // out) must not leave the previous person's data in the cache.
  const signedInBefore = useRef(hasTokens);
  useEffect(() => {
    if (signedInBefore.current && !hasTokens) queryClient.clear();
    if (!signedInBefore.current && hasTokens) void queryClient.invalidateQueries();
    signedInBefore.current = hasTokens;
  }, [hasTokens, queryClient]);

  const adopt = useCallback(
    (session: AuthSession) => {
      // Profiles seen while signed out carry no viewer state: start from a clean cache.
      queryClient.clear();
      queryClient.setQueryData(userKeys.me(), session.user);
      signedInBefore.current = true;
      tokenStore.set(session);
    },
    [queryClient],
  );

  const login = useCallback(
    async (input: LoginInput) => adopt(await unwrap(api.POST('/api/auth/login', { body: input }))),
    [adopt],
  );

  const signup = useCallback(
    async (input: SignupInput) => adopt(await unwrap(api.POST('/api/auth/signup', { body: input }))),
    [adopt],
  );

  const logout = useCallback(async () => {
    const current = tokenStore.get();
    signedInBefore.current = false;
    tokenStore.clear();
    queryClient.clear();
    if (!current) return;
    // Revoke on the server too; the browser has forgotten the tokens whatever the answer.
    await api
      .POST('/api/auth/logout', { body: { refreshToken: current.refreshToken } })
      .catch(() => undefined);
  }, [queryClient]);

  const { data: me, error, isPending, refetch } = meQuery;
  const status: SessionStatus = !hasTokens ? 'signedOut' : me ? 'signedIn' : isPending ? 'loading' : 'error';

  const value = useMemo<SessionValue>(
    () => ({
      status,
      me: hasTokens ? me : undefined,
      error,
      retry: () => void refetch(),
      login,
      signup,
      logout,
    }),
    [status, hasTokens, me, error, refetch, login, signup, logout],
  );

  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionValue {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}
