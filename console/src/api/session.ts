import { createStore } from '../lib/store';
import { ApiError } from './errors';

/**
 * The signed-in session. The access token lives in this module's memory only; the refresh token is
 * in an httpOnly cookie the page cannot read, sent by the browser to /api/v1/auth alone.
 * `unknown` until the first refresh on page load has answered.
 */
export type SessionState = { status: 'unknown' } | { status: 'signed-out' } | { status: 'signed-in'; accessToken: string };

export const session = createStore<SessionState>({ status: 'unknown' });

/**
 * Whether this browser signed in and has not signed out since: a hint kept in localStorage (the
 * cookie itself is out of the page's reach), so a visitor's page load asks for no refresh the
 * server can only refuse. The server stays the judge: a refused refresh signs out.
 */
const SIGNED_IN_HINT = 'darkroom.signedIn';

export function maySignIn(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_HINT) !== null;
  } catch {
    return true;
  }
}

function setSession(state: SessionState): void {
  try {
    if (state.status === 'signed-in') localStorage.setItem(SIGNED_IN_HINT, '1');
    else if (state.status === 'signed-out') localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // Storage off: every page load checks the cookie instead.
  }
  session.set(state);
}

/** The page's first look at the session: the refresh cookie, if this browser may have one, resumes it. */
export function resumeSession(): void {
  if (!maySignIn()) setSession({ status: 'signed-out' });
  else refreshSession().catch(() => setSession({ status: 'signed-out' }));
}

interface TokensAnswer {
  accessToken: string;
}

export const accessToken = (): string | null => {
  const state = session.get();
  return state.status === 'signed-in' ? state.accessToken : null;
};

let refreshing: Promise<string | null> | null = null;

/**
 * Trades the refresh cookie for a new access token, once at a time: the refresh token rotates on
 * use, and presenting a used one ends the whole session, so two refreshes must never overlap.
 * Resolves to null (and signs out) when the cookie is missing or refused.
 */
export function refreshSession(): Promise<string | null> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      if (res.status === 401) {
        setSession({ status: 'signed-out' });
        return null;
      }
      if (!res.ok) throw await ApiError.from(res);
      const { accessToken: token } = (await res.json()) as TokensAnswer;
      setSession({ status: 'signed-in', accessToken: token });
      return token;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * A fresh token after `used` was refused: another request may already have refreshed it, in
 * which case that token is the answer, with no second refresh.
 */
export function tokenAfterRefusal(used: string): Promise<string | null> {
  const current = accessToken();
  if (current && current !== used) return Promise.resolve(current);
  return refreshSession();
}

/** Signs in with the refresh token kept in the cookie. Throws the API's error (invalid_credentials, ...). */
export async function signIn(email: string, password: string): Promise<void> {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, refreshCookie: true }),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await ApiError.from(res);
  const { accessToken: token } = (await res.json()) as TokensAnswer;
  setSession({ status: 'signed-in', accessToken: token });
}

/** Ends the session on the server (which clears the cookie), then forgets the token whatever it answered. */
export async function signOut(): Promise<void> {
  const token = accessToken();
  try {
    if (token) await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` }, credentials: 'same-origin' });
  } finally {
    setSession({ status: 'signed-out' });
  }
}
