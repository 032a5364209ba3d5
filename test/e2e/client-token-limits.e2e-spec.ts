import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientTokenQuota } from '../../src/auth/client-tokens/client-token-quota';
import { ClientTokenVerifier } from '../../src/auth/client-tokens/client-token-verifier';
import { bearer, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SECRET = 'a-shared-secret-of-at-least-32-characters!';

describe("client tokens' limits: maxImages over the token's life, sku on its jobs", () => {
  let t: TestApp;
  let second: TestApp;
  let owner: TestUser;
  let kid: string;

  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    second = await startTestApp({}, { plansYaml: plansWithMoreWork(), sharedWith: t });
    owner = await signUp(t);
    const signing = await t.http().post(`/api/v1/orgs/${owner.orgId}/client-token-keys`).set(bearer(owner.accessToken))
      .send({ name: 'storefront', algorithm: 'HS256', secret: SECRET, scopes: ['images:generate', 'jobs:read'] }).expect(201);
    kid = signing.body.id;
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  let tokens = 0;
  /** Each call signs a different token (its jti differs), so each starts with a fresh count. */
  const token = (limits: Record<string, unknown>, sub = 'shopper-7') =>
    new SignJWT({ scope: 'images:generate jobs:read', limits, jti: `t${++tokens}` })
      .setProtectedHeader({ alg: 'HS256', kid }).setSubject(sub).setIssuedAt().setExpirationTime('10m')
      .sign(new TextEncoder().encode(SECRET));
  const generate = (app: TestApp, credential: string, n: number, headers: Record<string, string> = {}) =>
    app.http().post('/api/v1/images/generations').set({ ...bearer(credential), ...headers }).send({ prompt: 'a teapot', size: '256x256', n });

  it('lets a token with maxImages 3 create 2 images, refuses 2 more with 403 plan_limit and a reason, then allows the last 1', async () => {
    const jwt = await token({ maxImages: 3 });
    await generate(t, jwt, 2).expect(202);
    const refused = await generate(t, jwt, 2).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'plan_limit', reason: 'client_token_max_images', limit: 3, remaining: 1 });
    expect(refused.body.error.message).toMatch(/3 image\(s\) in all; 1 remain/);
    await generate(t, jwt, 1).expect(202);
    expect((await generate(t, jwt, 1).expect(403)).body.error).toMatchObject({ reason: 'client_token_max_images', remaining: 0 });
    // The refused requests created no jobs.
    const jobs = await t.http().get('/api/v1/jobs').set(bearer(jwt)).expect(200);
    expect(jobs.body.data.filter((j: { endUserId: string }) => j.endUserId === 'shopper-7')).toHaveLength(2);
  });

  it('never lets concurrent requests, spread over two nodes, pass maxImages together', async () => {
    const jwt = await token({ maxImages: 3 });
    const results = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => generate(i % 2 ? second : t, jwt, 1)));
    expect(results.map((r) => r.status).sort()).toEqual([202, 202, 202, 403, 403, 403, 403, 403]);
    for (const r of results.filter((x) => x.status === 403)) expect(r.body.error.reason).toBe('client_token_max_images');
  });

  it('stamps the sku on every job the token creates, and shows it on the job', async () => {
    const jwt = await token({ sku: 'SKU-1234' });
    const accepted = await generate(t, jwt, 1).expect(202);
    const job = await t.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(jwt)).expect(200);
    expect(job.body).toMatchObject({ sku: 'SKU-1234', endUserId: 'shopper-7' });
    const plain = await generate(t, await token({}), 1).expect(202);
    expect((await t.http().get(`/api/v1/jobs/${plain.body.id}`).set(bearer(jwt)).expect(200)).body.sku).toBeNull();
  });

  it('refuses a token whose sku is longer than 100 characters', async () => {
    const res = await t.http().get('/api/v1/jobs').set(bearer(await token({ sku: 'x'.repeat(101) }))).expect(401);
    expect(res.body.error).toMatchObject({ code: 'invalid_client_token', reason: 'invalid_limits' });
  });

  it('does not count an idempotent replay again', async () => {
    const jwt = await token({ maxImages: 2 });
    const first = await generate(t, jwt, 1, { 'idempotency-key': 'same-request' }).expect(202);
    const replay = await generate(t, jwt, 1, { 'idempotency-key': 'same-request' }).expect(202);
    expect(replay.body.id).toBe(first.body.id);
    await generate(t, jwt, 1).expect(202);
    await generate(t, jwt, 1).expect(403);
  });

  it('gives the images back when the request fails after they were counted', async () => {
    const jwt = await token({ maxImages: 2 });
    const principal = await t.app.get(ClientTokenVerifier).verify(jwt);
    await expect(t.app.get(ClientTokenQuota).withinMaxImages(principal, 2, () => Promise.reject(new Error('no credits')))).rejects.toThrow('no credits');
    await generate(t, jwt, 2).expect(202);
  });

  it("purges the counts of expired tokens, and only those", async () => {
    const quota = t.app.get(ClientTokenQuota);
    expect(await quota.purge(new Date())).toBe(0);
    expect(await quota.purge(new Date(Date.now() + 3600_000))).toBeGreaterThan(0);
  });
});
