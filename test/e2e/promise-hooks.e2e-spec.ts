import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp } from '../support/accounts';
import { promiseHooksOn } from '../support/promise-hooks';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

/**
 * On Node 20 the first AsyncLocalStorage entered anywhere (a request logger, MikroORM's
 * em.transactional(), a library's context) turns on promise hooks for every promise of the process
 * for good, about a tenth of each request's CPU (docs/architecture.md). After the app has served
 * the flows that write in transactions, they must still be off. (On Node 24 an AsyncLocalStorage
 * no longer needs them, so there this passes either way.)
 */
describe('promise hooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
  });
  afterAll(() => t.close());

  it('stay off after sign-up, keys, a generation and its credits, webhooks and members', async () => {
    expect(await promiseHooksOn()).toBe(false);
    const user = await signUp(t);
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'hooks', scopes: ['images:generate', 'jobs:read', 'credits:read'] });
    const done = await t.http().post('/api/v1/images/generations').set({ ...bearer(key.secret), prefer: 'wait=30' }).send({ prompt: 'a still pond', size: '256x256' }).expect(200);
    expect(done.body.status).toBe('completed');
    await t.http().post(`/api/v1/orgs/${user.orgId}/api-keys/${key.id}/rotate`).set(bearer(user.accessToken)).send({}).expect(201);
    await t.http().post(`/api/v1/orgs/${user.orgId}/invitations`).set(bearer(user.accessToken)).send({ email: 'hooks-invited@example.com', role: 'viewer' }).expect(201);
    await t.http().post(`/api/v1/orgs/${user.orgId}/teams`).set(bearer(user.accessToken)).send({ name: 'hooks' }).expect(201);
    expect(await promiseHooksOn()).toBe(false);
  });
});
