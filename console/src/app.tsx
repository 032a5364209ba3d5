import { QueryClient, QueryClientProvider } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { Redirect, Route, Router, Switch } from 'wouter-preact';
import { asApiError } from './api/errors';
import { resumeSession, session } from './api/session';
import { Layout } from './layout/Layout';
import { useStore } from './lib/store';
import { HOME, publicRoutes, screens } from './routes';
import { NotFound } from './screens/NotFound';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // Client errors (401, 403, 404, validation) will not change on a retry.
      retry: (failures, err) => failures < 2 && asApiError(err).status >= 500,
    },
  },
});

/** Signed-in screens: wait for the session check on load, send visitors to the sign-in screen. */
function SignedIn({ children }: { children: ComponentChildren }) {
  const state = useStore(session);
  if (state.status === 'unknown') return <p class="loading">Loading…</p>;
  if (state.status === 'signed-out') return <Redirect to="/login" replace />;
  return <Layout>{children}</Layout>;
}

export function App() {
  useEffect(() => {
    if (session.get().status === 'unknown') resumeSession();
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <Router base="/console">
        <Switch>
          {publicRoutes.map((r) => (
            <Route key={r.path} path={r.path} component={r.component} />
          ))}
          <Route path="/">
            <Redirect to={HOME} replace />
          </Route>
          <Route>
            <SignedIn>
              <Switch>
                {screens.map((r) => (
                  <Route key={r.path} path={r.path} component={r.component} />
                ))}
                <Route component={NotFound} />
              </Switch>
            </SignedIn>
          </Route>
        </Switch>
      </Router>
    </QueryClientProvider>
  );
}
