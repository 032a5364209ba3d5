import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../src/auth/api-keys/api-key-authenticator';
import { generateApiKeySecret } from '../../src/auth/api-keys/api-key-secret';
import { bearer, createKey, login, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('credentials: every failure code, rotation, expiry, publishable keys, sessions', () => {
  let t: TestApp;
  let owner: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t);
  });
  afterAll(() => t.close());

  const me = (headers: Record<string, string>) => t.http().get('/api/v1/me').set(headers);

  describe('API key failures', () => {
    it('401 missing_api_key without credentials', async () => {
      const res = await t.http().get('/api/v1/me').set('x-request-id', 'trace-me-123').expect(401);
      expect(res.body).toEqual({ error: { code: 'missing_api_key', message: expect.any(String), requestId: 'trace-me-123' } });
      expect(res.headers['x-request-id']).toBe('trace-me-123');
    });

    it('401 invalid_api_key for a malformed key, a bad checksum and an unknown key', async () => {
      const unknown = generateApiKeySecret('live').secret;
      const badChecksum = unknown.slice(0, -1) + (unknown.endsWith('0') ? '1' : '0');
      for (const key of ['drk_live_nope', badChecksum, unknown, 'sk-not-ours']) {
        const res = await me(bearer(key)).expect(401);
        expect(res.body.error.code).toBe('invalid_api_key');
      }
    });

    it('401 for an Authorization header that is not Bearer', async () => {
      const res = await me({ authorization: 'Basic dXNlcjpwYXNz' }).expect(401);
      expect(res.body.error.code).toBe('invalid_api_key');
    });

    it('a revoked key stops working at once', async () => {
      const key = await createKey(t, owner.accessToken, owner.orgId);
      await me(bearer(key.secret)).expect(200);
      const revoked = await t.http().delete(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}`).set(bearer(owner.accessToken)).expect(200);
      expect(revoked.body).toMatchObject({ id: key.id, status: 'revoked', revokedAt: expect.any(String) });
      const res = await me(bearer(key.secret)).expect(401);
      expect(res.body.error.code).toBe('invalid_api_key');
    });

    it('an expired key answers invalid_api_key', async () => {
      const key = await createKey(t, owner.accessToken, owner.orgId, { name: 'short', scopes: ['credits:read'], expiresAt: new Date(Date.now() + 1500).toISOString() });
      await me(bearer(key.secret)).expect(200);
      await sleep(1600);
      const res = await me(bearer(key.secret)).expect(401);
      expect(res.body.error).toMatchObject({ code: 'invalid_api_key', message: expect.stringMatching(/expired/) });
      const listed = await t.http().get(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}`).set(bearer(owner.accessToken)).expect(200);
      expect(listed.body.status).toBe('expired');
    });

    it('refuses an expiry in the past', async () => {
      const res = await t.http().post(`/api/v1/orgs/${owner.orgId}/api-keys`).set(bearer(owner.accessToken)).send({ name: 'old', scopes: ['credits:read'], expiresAt: '2020-01-01T00:00:00Z' }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'expiresAt' }] });
    });
  });

  describe('listing and last use', () => {
    it('lists keys with prefix, scopes, creator and last use, never the secret', async () => {
      const key = await createKey(t, owner.accessToken, owner.orgId, { name: 'listed', scopes: ['credits:read'] });
      await me(bearer(key.secret)).expect(200);
      await t.app.get(ApiKeyAuthenticator).flushLastUsed();
      const res = await t.http().get(`/api/v1/orgs/${owner.orgId}/api-keys`).set(bearer(owner.accessToken)).expect(200);
      const listed = res.body.data.find((k: { id: string }) => k.id === key.id);
      expect(listed).toEqual({
        id: key.id, name: 'listed', type: 'live', prefix: key.prefix, scopes: ['credits:read'], teamId: null,
        createdBy: { type: 'user', id: owner.userId }, createdAt: expect.any(String), lastUsedAt: expect.any(String),
        expiresAt: null, revokedAt: null, status: 'active', replacedById: null,
      });
      expect(JSON.stringify(res.body)).not.toContain(key.secret);
    });

    it('pages with a cursor', async () => {
      for (let i = 0; i < 3; i++) await createKey(t, owner.accessToken, owner.orgId, { name: `page-${i}`, scopes: ['credits:read'] });
      const first = await t.http().get(`/api/v1/orgs/${owner.orgId}/api-keys?limit=2`).set(bearer(owner.accessToken)).expect(200);
      expect(first.body.data).toHaveLength(2);
      const second = await t.http().get(`/api/v1/orgs/${owner.orgId}/api-keys?limit=2&cursor=${first.body.nextCursor}`).set(bearer(owner.accessToken)).expect(200);
      expect(second.body.data[0].id < first.body.data[1].id).toBe(true);
      const bad = await t.http().get(`/api/v1/orgs/${owner.orgId}/api-keys?cursor=garbage`).set(bearer(owner.accessToken)).expect(400);
      expect(bad.body.error.code).toBe('validation_failed');
    });
  });

  describe('rotation', () => {
    it('keeps the old secret working during the grace period, then not', async () => {
      const key = await createKey(t, owner.accessToken, owner.orgId, { name: 'rotating', scopes: ['credits:read'] });
      const rot = await t.http().post(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}/rotate`).set(bearer(owner.accessToken)).send({ gracePeriodSeconds: 2 }).expect(201);
      expect(rot.body.key).toMatchObject({ name: 'rotating', scopes: ['credits:read'], status: 'active', secret: expect.stringMatching(/^drk_live_/) });
      expect(rot.body.previous).toMatchObject({ id: key.id, replacedById: rot.body.key.id, expiresAt: expect.any(String) });
      await me(bearer(key.secret)).expect(200);
      await me(bearer(rot.body.key.secret)).expect(200);
      await sleep(2100);
      expect((await me(bearer(key.secret)).expect(401)).body.error.code).toBe('invalid_api_key');
      await me(bearer(rot.body.key.secret)).expect(200);
    });

    it('refuses to rotate a key again while its replacement exists, naming the replacement', async () => {
      const key = await createKey(t, owner.accessToken, owner.orgId, { name: 'twice', scopes: ['credits:read'] });
      const first = await t.http().post(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}/rotate`).set(bearer(owner.accessToken)).send({ gracePeriodSeconds: 3600 }).expect(201);
      const again = await t.http().post(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}/rotate`).set(bearer(owner.accessToken)).send({}).expect(409);
      expect(again.body.error.message).toContain(first.body.key.id);
      await t.http().post(`/api/v1/orgs/${owner.orgId}/api-keys/${first.body.key.id}/rotate`).set(bearer(owner.accessToken)).send({}).expect(201);
    });

    it('without a grace period the old secret stops at once, and a rotated key cannot rotate again', async () => {
      const key = await createKey(t, owner.accessToken, owner.orgId, { name: 'now', scopes: ['credits:read'] });
      await me(bearer(key.secret)).expect(200);
      await t.http().post(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}/rotate`).set(bearer(owner.accessToken)).expect(201);
      await me(bearer(key.secret)).expect(401);
      const again = await t.http().post(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}/rotate`).set(bearer(owner.accessToken)).expect(409);
      expect(again.body.error.code).toBe('conflict');
    });
  });

  describe('publishable keys', () => {
    it('carry only jobs:read and images:read and cannot manage anything', async () => {
      const pub = await createKey(t, owner.accessToken, owner.orgId, { name: 'browser', type: 'publishable' });
      expect(pub.secret).toMatch(/^drk_pub_/);
      expect(pub.scopes).toEqual(['jobs:read', 'images:read']);
      const res = await me(bearer(pub.secret)).expect(200);
      expect(res.body.credential).toMatchObject({ type: 'api_key', scopes: ['jobs:read', 'images:read'] });
      const sub = await t.http().get('/api/v1/subscription').set(bearer(pub.secret)).expect(403);
      expect(sub.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'credits:read' });
      await t.http().get(`/api/v1/orgs/${owner.orgId}/api-keys`).set(bearer(pub.secret)).expect(403);
    });
  });

  describe('sessions', () => {
    it('rotates refresh tokens, and reuse of a rotated one ends the whole session', async () => {
      const user = await signUp(t);
      const first = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
      expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, accessToken: expect.any(String) });
      expect(first.body.refreshToken).not.toBe(user.refreshToken);
      await me(bearer(first.body.accessToken)).expect(200);

      const reuse = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      expect(reuse.body.error.code).toBe('invalid_refresh_token');
      // The thief's replay revoked the family: the legitimate newer token and its access token die too.
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(401);
      expect((await me(bearer(first.body.accessToken)).expect(401)).body.error.code).toBe('invalid_access_token');
    });

    it('two concurrent refreshes with one token yield one winner', async () => {
      const user = await signUp(t);
      const results = await Promise.all([0, 1, 2].map(() => t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    });

    it('logout ends the session', async () => {
      const user = await signUp(t);
      await t.http().post('/api/v1/auth/logout').set(bearer(user.accessToken)).expect(204);
      expect((await me(bearer(user.accessToken)).expect(401)).body.error.code).toBe('invalid_access_token');
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      await login(t, user.email);
    });

    it('refuses a forged or garbled access token', async () => {
      const [h, p] = owner.accessToken.split('.');
      for (const token of [`${h}.${p}.forged-signature`, 'a.b.c']) {
        expect((await me(bearer(token)).expect(401)).body.error.code).toBe('invalid_access_token');
      }
    });

    it('API keys cannot use routes meant for people', async () => {
      const key = await createKey(t, owner.accessToken, owner.orgId);
      const res = await t.http().post('/api/v1/orgs').set(bearer(key.secret)).send({ name: 'x' }).expect(403);
      expect(res.body.error.code).toBe('insufficient_scope');
    });
  });
});
