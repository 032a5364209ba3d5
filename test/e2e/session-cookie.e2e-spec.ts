import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, PASSWORD, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** The refresh cookie a response sets, whole (attributes included), or undefined. */
const refreshCookie = (headers: Record<string, unknown>) => ([headers['set-cookie']].flat() as string[]).find((c) => c?.startsWith('darkroom_refresh='));
const valueOf = (cookie: string) => cookie.split(';')[0];

describe('a browser session keeps its refresh token in an httpOnly cookie (login with refreshCookie)', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    user = await signUp(t);
  });
  afterAll(() => t?.close());

  const cookieLogin = async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD, refreshCookie: true }).expect(200);
    return { res, cookie: refreshCookie(res.headers)! };
  };

  it('answers the access token and puts the refresh token in a Strict, httpOnly cookie sent only to the auth routes', async () => {
    const { res, cookie } = await cookieLogin();
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: expect.any(Number) });
    expect(cookie).toMatch(/^darkroom_refresh=[^;]{10,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/api/v1/auth');
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toContain('Secure');
    await t.http().get('/api/v1/me').set(bearer(res.body.accessToken)).expect(200);
  });

  it('refreshes from the cookie, rotating it; the used one ends the session and is cleared', async () => {
    const { cookie } = await cookieLogin();
    const refreshed = await t.http().post('/api/v1/auth/refresh').set('cookie', valueOf(cookie)).send({}).expect(200);
    expect(refreshed.body.refreshToken).toBeUndefined();
    const rotated = refreshCookie(refreshed.headers)!;
    expect(valueOf(rotated)).not.toBe(valueOf(cookie));
    await t.http().get('/api/v1/me').set(bearer(refreshed.body.accessToken)).expect(200);

    const reused = await t.http().post('/api/v1/auth/refresh').set('cookie', valueOf(cookie)).send({}).expect(401);
    expect(reused.body.error.code).toBe('invalid_refresh_token');
    expect(refreshCookie(reused.headers)).toMatch(/^darkroom_refresh=;.*Expires=Thu, 01 Jan 1970/);
    // Reuse ended the whole session: the rotated cookie is refused too.
    await t.http().post('/api/v1/auth/refresh').set('cookie', valueOf(rotated)).send({}).expect(401);
  });

  it('refuses a refresh with neither a token nor a cookie, and clears the cookie on sign-out', async () => {
    expect((await t.http().post('/api/v1/auth/refresh').send({}).expect(401)).body.error.code).toBe('invalid_refresh_token');
    const { res, cookie } = await cookieLogin();
    const out = await t.http().post('/api/v1/auth/logout').set(bearer(res.body.accessToken)).expect(204);
    expect(refreshCookie(out.headers)).toMatch(/^darkroom_refresh=;/);
    await t.http().post('/api/v1/auth/refresh').set('cookie', valueOf(cookie)).send({}).expect(401);
  });

  it('leaves API clients as they were: the refresh token in the answer, no cookie', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    expect(res.body.refreshToken).toEqual(expect.any(String));
    expect(refreshCookie(res.headers)).toBeUndefined();
    const refreshed = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: res.body.refreshToken }).expect(200);
    expect(refreshed.body.refreshToken).toEqual(expect.any(String));
    expect(refreshCookie(refreshed.headers)).toBeUndefined();
  });
});
