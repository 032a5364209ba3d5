import { expect } from 'vitest';
import type { TestApp } from './test-app';

export const PASSWORD = 'purple-elephant-ladder-19';

export interface TestUser {
  email: string;
  userId: string;
  orgId: string;
  accessToken: string;
  refreshToken: string;
}

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}-${Date.now().toString(36)}-${++counter}@example.com`;

/** The token from the newest verification mail, as a user would copy it from the link. */
export async function verificationToken(t: TestApp, email: string): Promise<string> {
  const [mail] = await t.mailTo(email);
  const token = /token=([^\s&]+)/.exec(mail?.text ?? '')?.[1];
  expect(token, `no verification mail for ${email}`).toBeTruthy();
  return decodeURIComponent(token!);
}

export async function login(t: TestApp, email: string, password = PASSWORD): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await t.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
  return res.body;
}

/** Registers (and by default verifies) a user and signs them in. */
export async function signUp(t: TestApp, opts: { email?: string; verify?: boolean; name?: string } = {}): Promise<TestUser> {
  const email = opts.email ?? uniqueEmail();
  const reg = await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: opts.name ?? 'Test User' }).expect(201);
  if (opts.verify !== false) {
    await t.http().post('/api/v1/auth/verify-email').send({ token: await verificationToken(t, email) }).expect(200);
  }
  const tokens = await login(t, email);
  return { email, userId: reg.body.user.id, orgId: reg.body.organization.id, ...tokens };
}

export async function createKey(
  t: TestApp,
  bearer: string,
  orgId: string,
  body: Record<string, unknown> = { name: 'test key', scopes: ['credits:read', 'keys:read', 'keys:write'] },
): Promise<{ id: string; secret: string; [k: string]: unknown }> {
  const res = await t.http().post(`/api/v1/orgs/${orgId}/api-keys`).set('authorization', `Bearer ${bearer}`).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The credits once the reservations of ended jobs are settled. A job's credits are settled just after
 * its final status is written, so a reader on another node can see the status a moment before.
 */
export async function settledCredits(t: TestApp, key: string, expected: { creditsBalance: number; reserved: number }): Promise<void> {
  let body: unknown;
  for (let i = 0; i < 100; i++) {
    body = (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body;
    if (JSON.stringify(body) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(body).toEqual(expected);
}
