import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './client';
import { ApiError } from './errors';
import { selectedOrganization } from './organization';
import { accessToken, session, signIn } from './session';

interface Call {
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refused = (code: string) => json(401, { error: { code, message: code, requestId: 'req-1' } });

/**
 * A stand-in for the server: access tokens `t1`, `t2`, ... where only the newest is accepted, and
 * a refresh cookie that works `refreshes` times. Records every call.
 */
function fakeServer({ refreshes = 1 } = {}) {
  const calls: Call[] = [];
  let issued = 1;
  let left = refreshes;
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const headers = { ...(init.headers as Record<string, string>) };
    calls.push({ url, headers, body: init.body as string | undefined });
    // The refresh is answered later, so that requests refused meanwhile overlap with it; /slow is refused only after it.
    await new Promise((resolve) => setTimeout(resolve, url.endsWith('/refresh') ? 20 : url.endsWith('/slow') ? 50 : 0));
    if (url === '/api/v1/auth/login') return json(200, { accessToken: `t${issued}`, tokenType: 'Bearer', expiresIn: 900 });
    if (url === '/api/v1/auth/refresh') {
      if (left-- <= 0) return refused('invalid_refresh_token');
      issued += 1;
      return json(200, { accessToken: `t${issued}`, tokenType: 'Bearer', expiresIn: 900 });
    }
    if (headers.authorization !== `Bearer t${issued}`) return refused('invalid_access_token');
    if (url.startsWith('/api/v1/forbidden')) return json(403, { error: { code: 'insufficient_scope', message: 'This needs the "keys:write" scope', requestId: 'req-2' } });
    return json(200, { url, org: headers['x-org-id'] ?? null });
  });
  return { fetch, calls, expire: () => (issued += 1) };
}

describe('the console API client', () => {
  beforeEach(() => {
    session.set({ status: 'unknown' });
    selectedOrganization.set(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends the bearer token and the selected organisation', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetch);
    await signIn('ada@example.com', 'secret');
    expect(JSON.parse(server.calls[0].body!)).toEqual({ email: 'ada@example.com', password: 'secret', refreshCookie: true });
    selectedOrganization.set('org-1');
    expect(await api('/api/v1/me')).toEqual({ url: '/api/v1/me', org: 'org-1' });
    expect(server.calls[1].headers).toMatchObject({ authorization: 'Bearer t1', 'x-org-id': 'org-1' });
  });

  it('refreshes once for the requests an expired access token got refused, also those refused after the refresh, and retries each', async () => {
    const server = fakeServer({ refreshes: 1 });
    vi.stubGlobal('fetch', server.fetch);
    await signIn('ada@example.com', 'secret');
    server.expire();
    server.expire();
    // t3 is now the only token the fake accepts; the refresh will issue t4 and accept it.
    const paths = ['/api/v1/a', '/api/v1/b', '/api/v1/slow'];
    const answers = await Promise.all(paths.map((path) => api<{ url: string }>(path)));
    expect(answers.map((a) => a.url)).toEqual(paths);
    expect(server.calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
    expect(accessToken()).toBe('t4');
  });

  it('signs out when the refresh cookie is refused, and throws the refusal', async () => {
    const server = fakeServer({ refreshes: 0 });
    vi.stubGlobal('fetch', server.fetch);
    await signIn('ada@example.com', 'secret');
    server.expire();
    const error = await api('/api/v1/me').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_access_token' });
    expect(session.get()).toEqual({ status: 'signed-out' });
  });

  it('throws other error answers with their code, message and request id, without refreshing', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetch);
    await signIn('ada@example.com', 'secret');
    const error = await api('/api/v1/forbidden').catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 403, code: 'insufficient_scope', message: 'This needs the "keys:write" scope', requestId: 'req-2' });
    expect(server.calls.some((c) => c.url === '/api/v1/auth/refresh')).toBe(false);
  });
});
