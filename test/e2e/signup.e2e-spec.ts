import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, login, PASSWORD, uniqueEmail, verificationToken } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('sign-up to first authenticated call', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('registers, verifies, creates a key and calls with it', async () => {
    const email = uniqueEmail('ada');
    const reg = await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: 'Ada Lovelace' }).expect(201);
    expect(reg.body).toEqual({
      user: { id: expect.any(String), email, name: 'Ada Lovelace', emailVerified: false, createdAt: expect.any(String) },
      organization: { id: expect.any(String), name: "Ada Lovelace's workspace", plan: 'free' },
      creditsBalance: 100,
    });
    const orgId = reg.body.organization.id;

    // Login works before verification; creating keys does not.
    const { accessToken, refreshToken } = await login(t, email);
    expect(typeof refreshToken).toBe('string');
    const early = await t.http().post(`/api/v1/orgs/${orgId}/api-keys`).set(bearer(accessToken)).send({ name: 'k', scopes: ['credits:read'] }).expect(403);
    expect(early.body.error.code).toBe('email_not_verified');

    const [mail] = await t.mailTo(email);
    expect(mail.subject).toMatch(/verify/i);
    expect(mail.text).toContain('http://localhost:3000/api/v1/auth/verify-email?token=');
    await t.http().get('/api/v1/auth/verify-email').query({ token: await verificationToken(t, email) }).expect(200, { verified: true });

    const key = await createKey(t, accessToken, orgId, { name: 'backend', scopes: ['credits:read'] });
    expect(key.secret).toMatch(/^drk_live_[0-9A-Za-z]{32}_[0-9a-f]{8}$/);
    expect(key).toMatchObject({ name: 'backend', type: 'live', scopes: ['credits:read'], status: 'active', createdBy: { type: 'user', id: reg.body.user.id } });
    expect(key.secret.startsWith(key.prefix as string)).toBe(true);

    for (const headers of [bearer(key.secret), { 'x-api-key': key.secret }]) {
      const me = await t.http().get('/api/v1/me').set(headers).expect(200);
      expect(me.body).toMatchObject({
        user: null,
        credential: { type: 'api_key', id: key.id, scopes: ['credits:read'] },
        organizations: [{ id: orgId, name: "Ada Lovelace's workspace", role: null }],
        currentOrganization: { id: orgId },
        plan: { id: 'free', limits: { dailyImages: 100, workPerMinute: 5, maxWidth: 1024, maxHeight: 1024, maxConcurrentJobs: 2 } },
        creditsBalance: 100,
        features: { webhooks: false, byok: false, video: false, channels: false, library: true },
      });
    }
    const sub = await t.http().get('/api/v1/subscription').set(bearer(key.secret)).expect(200);
    expect(sub.body).toMatchObject({ organizationId: orgId, plan: { id: 'free', name: 'Free' }, usage: { images: 0 }, creditsBalance: 100 });
  });

  it('shows the signed-in user, their organisations and role on /me', async () => {
    const email = uniqueEmail();
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: 'Grace' }).expect(201);
    const { accessToken } = await login(t, email);
    const me = await t.http().get('/api/v1/me').set(bearer(accessToken)).expect(200);
    expect(me.body.user).toMatchObject({ email, name: 'Grace', emailVerified: false });
    expect(me.body.organizations).toEqual([{ id: expect.any(String), name: "Grace's workspace", role: 'owner' }]);
    expect(me.body.credential.type).toBe('session');
    expect(me.body.credential.scopes).toContain('org:admin');
  });

  it('refuses a second account with the same email, in any case', async () => {
    const email = uniqueEmail();
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: 'One' }).expect(201);
    const res = await t.http().post('/api/v1/auth/register').send({ email: email.toUpperCase(), password: PASSWORD, name: 'Two' }).expect(409);
    expect(res.body.error.code).toBe('email_taken');
  });

  it('refuses weak passwords, naming the field', async () => {
    for (const password of ['short', 'password123', 'qwertyuiop']) {
      const res = await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password, name: 'Weak' }).expect(400);
      expect(['weak_password', 'validation_failed']).toContain(res.body.error.code);
      expect(res.body.error.fields[0].field).toBe('password');
    }
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const email = uniqueEmail();
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: 'X' }).expect(201);
    const wrong = await t.http().post('/api/v1/auth/login').send({ email, password: 'not-the-password-at-all' }).expect(401);
    const unknown = await t.http().post('/api/v1/auth/login').send({ email: uniqueEmail(), password: PASSWORD }).expect(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('refuses an unknown verification token; a used one answers verified again', async () => {
    const res = await t.http().post('/api/v1/auth/verify-email').send({ token: 'not-a-real-token-value' }).expect(400);
    expect(res.body.error.code).toBe('invalid_token');
    const email = uniqueEmail();
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: 'Twice' }).expect(201);
    const token = await verificationToken(t, email);
    await t.http().post('/api/v1/auth/verify-email').send({ token }).expect(200, { verified: true });
    await t.http().post('/api/v1/auth/verify-email').send({ token }).expect(200, { verified: true });
  });

  it('sends a browser opening the mailed link to the console page that verifies, leaving the token unused', async () => {
    const email = uniqueEmail();
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: 'Browser' }).expect(201);
    const token = await verificationToken(t, email);
    const res = await t.http().get('/api/v1/auth/verify-email').query({ token }).set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8').expect(303);
    expect(res.headers.location).toBe(`/console/verify?token=${encodeURIComponent(token)}`);
    const { accessToken } = await login(t, email);
    expect((await t.http().get('/api/v1/me').set(bearer(accessToken)).expect(200)).body.user.emailVerified).toBe(false);
  });

  it('answers 404 on /me for an organisation you do not belong to', async () => {
    const a = uniqueEmail();
    const b = uniqueEmail();
    await t.http().post('/api/v1/auth/register').send({ email: a, password: PASSWORD, name: 'A' }).expect(201);
    const other = await t.http().post('/api/v1/auth/register').send({ email: b, password: PASSWORD, name: 'B' }).expect(201);
    const { accessToken } = await login(t, a);
    await t.http().get('/api/v1/me').set({ ...bearer(accessToken), 'x-org-id': other.body.organization.id }).expect(404);
  });
});
