import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const SCOPES = ['images:generate', 'images:read', 'jobs:read', 'jobs:cancel', 'credits:read', 'webhooks:write'];

interface Job {
  id: string;
  status: string;
  endUserId: string | null;
  outputs: { id: string; url: string }[];
}

describe('publishable keys read the jobs of one end user (x-user-id)', () => {
  let t: TestApp;
  let owner: TestUser;
  let secret: string;
  let publishable: string;
  let kid: string;
  const jobs: Record<string, Job> = {};

  const clientToken = (sub: string | undefined, scope = 'images:generate jobs:read') => {
    const jwt = new SignJWT({ scope }).setProtectedHeader({ alg: 'HS256', kid }).setIssuedAt().setExpirationTime('10m');
    if (sub !== undefined) jwt.setSubject(sub);
    return jwt.sign(new TextEncoder().encode(SECRET));
  };
  const generate = async (credential: string, headers: Record<string, string> = {}): Promise<Job> => {
    const res = await t.http().post('/api/v1/images/generations').set({ ...bearer(credential), ...headers }).send({ prompt: 'a lantern', size: '256x256' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    for (let i = 0; i < 200; i++) {
      const job = await t.http().get(`/api/v1/jobs/${res.body.id}`).set(bearer(secret)).expect(200);
      if (job.body.status === 'completed') return job.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('job did not complete');
  };
  const asPublishable = (path: string, userId?: string, key = publishable) =>
    t.http().get(path).set({ ...bearer(key), ...(userId === undefined ? {} : { 'x-user-id': userId }) });

  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    owner = await signUp(t);
    secret = (await createKey(t, owner.accessToken, owner.orgId, { name: 'backend', scopes: SCOPES })).secret;
    publishable = (await createKey(t, owner.accessToken, owner.orgId, { name: 'browser', type: 'publishable' })).secret;
    const signing = await t.http().post(`/api/v1/orgs/${owner.orgId}/client-token-keys`).set(bearer(owner.accessToken))
      .send({ name: 'storefront', algorithm: 'HS256', secret: SECRET, scopes: ['images:generate', 'jobs:read'] }).expect(201);
    kid = signing.body.id;
    jobs.backendForAda = await generate(secret, { 'x-user-id': 'ada@shop' });
    jobs.tokenForAda = await generate(await clientToken('ada@shop'));
    jobs.backendForBob = await generate(secret, { 'x-user-id': 'bob' });
    jobs.backendForNobody = await generate(secret);
  });
  afterAll(() => t.close());

  it('records on each job the end user it was made for: the x-user-id of a secret key, the sub of a client token', () => {
    expect(jobs.backendForAda.endUserId).toBe('ada@shop');
    expect(jobs.tokenForAda.endUserId).toBe('ada@shop');
    expect(jobs.backendForBob.endUserId).toBe('bob');
    expect(jobs.backendForNobody.endUserId).toBeNull();
  });

  it("lets a publishable key list and read that end user's jobs with their outputs, and their gallery images", async () => {
    const list = await asPublishable('/api/v1/jobs', 'ada@shop').expect(200);
    expect(list.body.data.map((j: Job) => j.id)).toEqual([jobs.tokenForAda.id, jobs.backendForAda.id]);
    const one = await asPublishable(`/api/v1/jobs/${jobs.backendForAda.id}`, 'ada@shop').expect(200);
    expect(one.body).toMatchObject({ id: jobs.backendForAda.id, status: 'completed', endUserId: 'ada@shop', outputs: [{ id: jobs.backendForAda.outputs[0].id }] });
    await t.http().get(new URL(one.body.outputs[0].url).pathname).expect(200).expect('content-type', 'image/png');

    const gallery = await asPublishable('/api/v1/images', 'ada@shop').expect(200);
    expect(gallery.body.total).toBe(2);
    expect(gallery.body.data.map((i: { jobId: string }) => i.jobId).sort()).toEqual([jobs.backendForAda.id, jobs.tokenForAda.id].sort());
    await asPublishable(`/api/v1/images/${jobs.tokenForAda.outputs[0].id}`, 'ada@shop').expect(200);
  });

  it("answers 404 for another end user's jobs and images, and for jobs made for nobody", async () => {
    for (const job of [jobs.backendForBob, jobs.backendForNobody]) {
      await asPublishable(`/api/v1/jobs/${job.id}`, 'ada@shop').expect(404);
      await asPublishable(`/api/v1/images/${job.outputs[0].id}`, 'ada@shop').expect(404);
    }
    const bob = await asPublishable('/api/v1/jobs', 'bob').expect(200);
    expect(bob.body.data.map((j: Job) => j.id)).toEqual([jobs.backendForBob.id]);
    expect((await asPublishable('/api/v1/jobs', 'carol').expect(200)).body.data).toEqual([]);
  });

  it("answers 404 for the same end user's jobs in another organisation", async () => {
    const other = await signUp(t);
    const otherPublishable = (await createKey(t, other.accessToken, other.orgId, { name: 'other browser', type: 'publishable' })).secret;
    expect((await asPublishable('/api/v1/jobs', 'ada@shop', otherPublishable).expect(200)).body.data).toEqual([]);
    expect((await asPublishable('/api/v1/images', 'ada@shop', otherPublishable).expect(200)).body.total).toBe(0);
    await asPublishable(`/api/v1/jobs/${jobs.backendForAda.id}`, 'ada@shop', otherPublishable).expect(404);
    await asPublishable(`/api/v1/images/${jobs.backendForAda.outputs[0].id}`, 'ada@shop', otherPublishable).expect(404);
  });

  it('refuses a publishable key without x-user-id, and a malformed x-user-id from anyone, with 400', async () => {
    for (const path of ['/api/v1/jobs', `/api/v1/jobs/${jobs.backendForAda.id}`, '/api/v1/images']) {
      const res = await asPublishable(path).expect(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'x-user-id' }] });
    }
    for (const bad of ['ada lovelace', 'x'.repeat(256), 'adä']) {
      const res = await t.http().get('/api/v1/jobs').set({ ...bearer(secret), 'x-user-id': bad }).expect(400);
      expect(res.body.error.fields).toEqual([{ field: 'x-user-id', messages: [expect.stringContaining('visible ASCII')] }]);
    }
  });

  it('still lets a publishable key create nothing and read nothing else', async () => {
    const headers = { ...bearer(publishable), 'x-user-id': 'ada@shop' };
    const create = await t.http().post('/api/v1/images/generations').set(headers).send({ prompt: 'x', size: '256x256' }).expect(403);
    expect(create.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'images:generate' });
    await t.http().post('/v1/images/generations').set(headers).send({ prompt: 'x' }).expect(403);
    await t.http().post(`/api/v1/jobs/${jobs.backendForAda.id}/cancel`).set(headers).expect(403);
    await t.http().delete(`/api/v1/images/${jobs.backendForAda.outputs[0].id}`).set(headers).expect(403);
    for (const path of ['/api/v1/subscription', '/api/v1/credits', '/api/v1/webhook-endpoints', `/api/v1/orgs/${owner.orgId}/api-keys`, `/api/v1/orgs/${owner.orgId}/members`]) {
      await t.http().get(path).set(headers).expect(403);
    }
  });

  it("lets a client token read only its own sub's jobs and images, and a token without sub none", async () => {
    const ada = await clientToken('ada@shop');
    const list = await t.http().get('/api/v1/jobs').set(bearer(ada)).expect(200);
    expect(list.body.data.map((j: Job) => j.id)).toEqual([jobs.tokenForAda.id, jobs.backendForAda.id]);
    await t.http().get(`/api/v1/jobs/${jobs.backendForBob.id}`).set(bearer(ada)).expect(404);
    await t.http().get(`/api/v1/jobs/${jobs.backendForNobody.id}`).set(bearer(ada)).expect(404);
    const anonymous = await t.http().get('/api/v1/jobs').set(bearer(await clientToken(undefined))).expect(403);
    expect(anonymous.body.error.code).toBe('insufficient_scope');
  });

  it("takes a client token's end user from its sub, never from x-user-id", async () => {
    const job = await generate(await clientToken('ada@shop'), { 'x-user-id': 'bob' });
    expect(job.endUserId).toBe('ada@shop');
    const anonymous = await generate(await clientToken(undefined), { 'x-user-id': 'bob' });
    expect(anonymous.endUserId).toBeNull();
    const res = await t.http().get('/api/v1/me').set(bearer(await clientToken('ada lovelace'))).expect(401);
    expect(res.body.error).toMatchObject({ code: 'invalid_client_token', reason: 'invalid_subject' });
  });

  it("lets a client token edit only its own end user's gallery images", async () => {
    const editing = await t.http().post(`/api/v1/orgs/${owner.orgId}/client-token-keys`).set(bearer(owner.accessToken))
      .send({ name: 'editor', algorithm: 'HS256', secret: SECRET, scopes: ['images:edit'] }).expect(201);
    const token = await new SignJWT({ scope: 'images:edit' }).setProtectedHeader({ alg: 'HS256', kid: editing.body.id }).setSubject('ada@shop')
      .setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));
    const edit = (imageId: string) => t.http().post('/api/v1/images/edits').set(bearer(token)).send({ prompt: 'brighter', size: '256x256', images: [{ imageId }] });
    expect((await edit(jobs.backendForBob.outputs[0].id).expect(404)).body.error.code).toBe('not_found');
    await edit(jobs.backendForAda.outputs[0].id).expect(202);
  });
});
