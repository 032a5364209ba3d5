import { generateKeyPair, exportSPKI, SignJWT, type CryptoKey } from 'jose';
import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientTokenKey } from '../../src/auth/client-tokens/client-token-key.entity';
import { bearer, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const SECRET = 'a-shared-secret-of-at-least-32-characters!';

describe('client tokens signed by an organisation backend', () => {
  let t: TestApp;
  let owner: TestUser;
  let hsKid: string;
  let esKid: string;
  let esPrivate: CryptoKey;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t);
    const hs = await t.http().post(`/api/v1/orgs/${owner.orgId}/client-token-keys`).set(bearer(owner.accessToken))
      .send({ name: 'backend', algorithm: 'HS256', secret: SECRET, scopes: ['credits:read', 'jobs:read', 'images:generate'] }).expect(201);
    expect(hs.body).toEqual({ id: expect.stringMatching(/^ctk_/), name: 'backend', algorithm: 'HS256', scopes: ['credits:read', 'jobs:read', 'images:generate'], publicKey: null, createdAt: expect.any(String) });
    hsKid = hs.body.id;
    const pair = await generateKeyPair('ES256', { extractable: true });
    esPrivate = pair.privateKey;
    const es = await t.http().post(`/api/v1/orgs/${owner.orgId}/client-token-keys`).set(bearer(owner.accessToken))
      .send({ name: 'edge', algorithm: 'ES256', publicKey: await exportSPKI(pair.publicKey), scopes: ['credits:read'] }).expect(201);
    esKid = es.body.id;
  });
  afterAll(() => t.close());

  const hsToken = (claims: Record<string, unknown>, opts: { kid?: string; exp?: string | number | null; iat?: number; secret?: string } = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: opts.kid ?? hsKid });
    if (opts.iat !== undefined) jwt.setIssuedAt(opts.iat); else jwt.setIssuedAt();
    if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? '10m');
    return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
  };
  const reason = async (token: string) => {
    const res = await t.http().get('/api/v1/subscription').set(bearer(token)).expect(401);
    expect(res.body.error.code).toBe('invalid_client_token');
    return res.body.error.reason as string;
  };

  it('may not set a webhookUrl (it would hand a browser the organisation\'s webhook secret)', async () => {
    const token = await hsToken({ sub: 'shopper-7', scope: 'images:generate jobs:read' });
    const res = await t.http().post('/api/v1/images/generations').set(bearer(token)).send({ prompt: 'x', size: '256x256', webhookUrl: 'https://example.com/hook' }).expect(403);
    expect(res.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'webhooks:write' });
    expect((await t.http().get('/api/v1/jobs').set(bearer(token)).expect(200)).body.data).toEqual([]);
  });

  it('accepts a good HS256 token within its scopes', async () => {
    const token = await hsToken({ sub: 'shopper-42', scope: 'credits:read jobs:read', limits: { maxImages: 2, sku: 'SKU-1' } });
    const sub = await t.http().get('/api/v1/subscription').set(bearer(token)).expect(200);
    expect(sub.body.organizationId).toBe(owner.orgId);
    const me = await t.http().get('/api/v1/me').set(bearer(token)).expect(200);
    expect(me.body.credential).toEqual({ type: 'client_token', id: hsKid, scopes: ['credits:read', 'jobs:read'] });
  });

  it('accepts a good ES256 token', async () => {
    const token = await new SignJWT({ scope: 'credits:read' }).setProtectedHeader({ alg: 'ES256', kid: esKid }).setIssuedAt().setExpirationTime('5m').sign(esPrivate);
    await t.http().get('/api/v1/subscription').set(bearer(token)).expect(200);
  });

  it('a token only carries what it names, even if the key allows more', async () => {
    const token = await hsToken({ scope: 'jobs:read' });
    const res = await t.http().get('/api/v1/subscription').set(bearer(token)).expect(403);
    expect(res.body.error.code).toBe('insufficient_scope');
  });

  it('reads scope as separated by spaces: empty is missing, extra spaces are ignored, another separator is part of a name', async () => {
    expect(await reason(await hsToken({ scope: '' }))).toBe('missing_scope');
    const spaced = await t.http().get('/api/v1/me').set(bearer(await hsToken({ scope: ' jobs:read  credits:read ' }))).expect(200);
    expect(spaced.body.credential.scopes).toEqual(['jobs:read', 'credits:read']);
    expect(await reason(await hsToken({ scope: 'jobs:read,credits:read' }))).toBe('scope_not_allowed');
    expect(await reason(await hsToken({ scope: 'jobs:read\tcredits:read' }))).toBe('scope_not_allowed');
  });

  it('refuses expired, badly signed, over-broad, too long-lived, exp-less and unknown-key tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await reason(await hsToken({ scope: 'credits:read' }, { iat: now - 3600, exp: now - 600 }))).toBe('expired');
    expect(await reason(await hsToken({ scope: 'credits:read' }, { secret: 'another-secret-that-is-also-long-enough!!' }))).toBe('bad_signature');
    expect(await reason(await hsToken({ scope: 'credits:read keys:write' }))).toBe('scope_not_allowed');
    expect(await reason(await hsToken({ scope: 'credits:read org:admin' }))).toBe('scope_not_allowed');
    expect(await reason(await hsToken({ scope: 'credits:read' }, { exp: '25h' }))).toBe('lifetime_too_long');
    expect(await reason(await hsToken({ scope: 'credits:read' }, { exp: null }))).toBe('missing_exp');
    expect(await reason(await hsToken({ scope: 'credits:read' }, { kid: 'ctk_doesnotexist' }))).toBe('unknown_key');
    expect(await reason(await hsToken({}))).toBe('missing_scope');
    expect(await reason(await hsToken({ scope: ' ' }))).toBe('missing_scope');
    expect(await reason(await hsToken({ scope: 'credits:read', nbf: now + 3600 }))).toBe('not_yet_valid');
    const noKid = await new SignJWT({ scope: 'credits:read' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    expect(await reason(noKid)).toBe('unknown_key');
    expect(await reason(await hsToken({ scope: 'credits:read', limits: { maxImages: -1 } }))).toBe('invalid_limits');
    const esWithHsKid = await new SignJWT({ scope: 'credits:read' }).setProtectedHeader({ alg: 'ES256', kid: hsKid }).setExpirationTime('5m').sign(esPrivate);
    expect(await reason(esWithHsKid)).toBe('wrong_algorithm');
  });

  it('needs a verified email to register a signing key', async () => {
    const unverified = await signUp(t, { verify: false });
    const res = await t.http().post(`/api/v1/orgs/${unverified.orgId}/client-token-keys`).set(bearer(unverified.accessToken))
      .send({ name: 'x', algorithm: 'HS256', secret: SECRET, scopes: ['credits:read'] }).expect(403);
    expect(res.body.error.code).toBe('email_not_verified');
  });

  it('refuses to register keys that would delegate admin scopes or lack key material', async () => {
    const url = `/api/v1/orgs/${owner.orgId}/client-token-keys`;
    const admin = await t.http().post(url).set(bearer(owner.accessToken)).send({ name: 'x', algorithm: 'HS256', secret: SECRET, scopes: ['keys:write'] }).expect(400);
    expect(admin.body.error.fields[0].field).toBe('scopes');
    const noSecret = await t.http().post(url).set(bearer(owner.accessToken)).send({ name: 'x', algorithm: 'HS256', scopes: ['credits:read'] }).expect(400);
    expect(noSecret.body.error.fields[0].field).toBe('secret');
    const badPem = await t.http().post(url).set(bearer(owner.accessToken)).send({ name: 'x', algorithm: 'RS256', publicKey: 'not a pem', scopes: ['credits:read'] }).expect(400);
    expect(badPem.body.error.fields[0].field).toBe('publicKey');
  });

  it('lists keys without secrets; a revoked key stops verifying tokens; the audit log records both', async () => {
    const list = await t.http().get(`/api/v1/orgs/${owner.orgId}/client-token-keys`).set(bearer(owner.accessToken)).expect(200);
    expect(list.body.data.map((k: { id: string }) => k.id).sort()).toEqual([hsKid, esKid].sort());
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    const stored = await t.app.get(EntityManager).fork().findOneOrFail(ClientTokenKey, { id: hsKid });
    expect(stored.encryptedSecret).toMatch(/^v1\./);
    expect(stored.encryptedSecret).not.toContain(SECRET);
    const token = await hsToken({ scope: 'credits:read' });
    await t.http().delete(`/api/v1/orgs/${owner.orgId}/client-token-keys/${hsKid}`).set(bearer(owner.accessToken)).expect(204);
    expect(await reason(token)).toBe('unknown_key');
    const audit = await t.http().get(`/api/v1/orgs/${owner.orgId}/audit-log`).set(bearer(owner.accessToken)).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['client_token_key.added', 'client_token_key.revoked']));
  });
});
