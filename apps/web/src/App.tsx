import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  ScrollRestoration,
  useLocation,
  useRouteError,
} from 'react-router';
import { RouterProvider } from 'react-router/dom';

import { Button } from '#/components/Button';
import { AppShell } from '#/components/layout/AppShell';
import { ErrorState } from '#/components/States';
import { Toaster } from '#/components/Toaster';
import { LogoMark } from '#/components/Wordmark';
import { AnalyticsScreen } from '#/screens/AnalyticsScreen';
import { CreateScreen } from '#/screens/CreateScreen';
import { EditProfileScreen } from '#/screens/EditProfileScreen';
import { ExploreScreen } from '#/screens/ExploreScreen';
import { FollowListScreen } from '#/screens/FollowListScreen';
import { HomeScreen } from '#/screens/HomeScreen';
import { LoginScreen } from '#/screens/LoginScreen';
import { NotFoundScreen } from '#/screens/NotFoundScreen';
import { NotificationsScreen } from '#/screens/NotificationsScreen';
import { PostScreen } from '#/screens/PostScreen';
import { ProfileScreen } from '#/screens/ProfileScreen';
import { SearchScreen } from '#/screens/SearchScreen';
import { SignupScreen } from '#/screens/SignupScreen';
import { queryClient } from '#/state/query-client';
import { SessionProvider, useSession } from '#/state/session';

function Splash() {
  return (
    <div
      role="status"
      aria-label="Loading Glimpse"
      className="flex min-h-dvh items-center justify-center bg-white"
    >
      <span className="animate-pulse">
        <LogoMark size={64} />
      </span>
    </div>
  );
}

/** The session could not be loaded for a reason other than being signed out (server down). */
function SessionError() {
  const { error, retry, logout } = useSession();
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-white">
      <ErrorState error={error} title="Couldn’t load your account" onRetry={retry} />
      <Button variant="ghost" onClick={() => void logout()}>
        Log out
      </Button>
    </main>
  );
}

/** When a click removes the focused element (navigation), give focus to the new screen. */
function useFocusMainOnNavigate() {
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    const active = document.activeElement;
    if (!active || active === document.body) document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
}

function Root() {
  const { status } = useSession();
  useFocusMainOnNavigate();
  if (status === 'loading') return <Splash />;
  if (status === 'error') return <SessionError />;
  return (
    <>
      <ScrollRestoration />
      <Outlet />
      <Toaster />
    </>
  );
}

interface FromState {
  from?: string;
}

function RequireSignedIn() {
  const { status } = useSession();
  const location = useLocation();
  if (status !== 'signedIn') {
    const from: FromState = { from: `${location.pathname}${location.search}` };
    return <Navigate to="/login" replace state={from} />;
  }
  return <Outlet />;
}

/** Log in and sign up; once signed in, go where the person was heading (home by default). */
function RequireSignedOut() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'signedIn') {
    const from = (location.state as FromState | null)?.from;
    return <Navigate to={from?.startsWith('/') ? from : '/'} replace />;
  }
  return <Outlet />;
}

function RouteError() {
  const error = useRouteError();
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-white">
      <ErrorState error={error} title="This screen broke" onRetry={() => window.location.reload()} />
    </main>
  );
}

const router = createBrowserRouter([
  {
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      {
        element: <RequireSignedOut />,
        children: [
          { path: '/login', element: <LoginScreen /> },
          { path: '/signup', element: <SignupScreen /> },
        ],
      },
      {
        element: <AppShell />,
        children: [
          {
            element: <RequireSignedIn />,
            children: [
              { index: true, element: <HomeScreen /> },
              { path: '/settings/profile', element: <EditProfileScreen /> },
              { path: '/create', element: <CreateScreen /> },
              { path: '/notifications', element: <NotificationsScreen /> },
              { path: '/analytics', element: <AnalyticsScreen /> },
            ],
          },
          { path: '/explore', element: <ExploreScreen /> },
          { path: '/p/:id', element: <PostScreen /> },
          { path: '/search', element: <SearchScreen /> },
          { path: '/u/:username', element: <ProfileScreen /> },
          { path: '/u/:username/followers', element: <FollowListScreen relation="followers" /> },
          { path: '/u/:username/following', element: <FollowListScreen relation="following" /> },
          { path: '*', element: <NotFoundScreen /> },
        ],
      },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </QueryClientProvider>
  );
}
