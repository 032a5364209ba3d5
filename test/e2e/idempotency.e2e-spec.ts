import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let user: TestUser;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'i', scopes: ['images:generate', 'jobs:read', 'credits:read'] })).secret;
  });
  afterAll(() => t.close());

  const post = (idem: string, body: Record<string, unknown>) =>
    t.http().post('/api/v1/images/generations').set({ ...bearer(key), 'idempotency-key': idem }).send(body);

  it('replays the first response for the same key and body, and refuses another body', async () => {
    const body = { prompt: 'idempotent', size: '256x256', seed: 1 };
    const first = await post('order-1', body).expect(202);
    const again = await post('order-1', body).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await post('order-1', { ...body, prompt: 'something else' }).expect(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const jobs = await t.http().get('/api/v1/jobs').set(bearer(key)).expect(200);
    expect(jobs.body.data.filter((j: { id: string }) => j.id === first.body.id)).toHaveLength(1);
    expect(jobs.body.data).toHaveLength(1);
  });

  it('creates exactly one job for concurrent requests with one key', async () => {
    const before = (await t.http().get('/api/v1/jobs').set(bearer(key)).expect(200)).body.data.length;
    const results = await Promise.all(Array.from({ length: 10 }, () => post('order-2', { prompt: 'race', size: '256x256' })));
    const accepted = results.filter((r) => r.status === 202);
    expect(new Set(accepted.map((r) => r.body.id)).size).toBe(1);
    for (const r of results.filter((x) => x.status !== 202)) expect(r.body.error.code).toBe('idempotency_key_in_use');
    const after = (await t.http().get('/api/v1/jobs').set(bearer(key)).expect(200)).body.data.length;
    expect(after - before).toBe(1);
  });

  it('lets a failed request be retried with the same key, and scopes keys to the organisation', async () => {
    await post('order-3', { prompt: 'x', size: '2048x2048' }).expect(403);
    await post('order-3', { prompt: 'x', size: '256x256' }).expect(202);
    const other = await signUp(t);
    const otherKey = (await createKey(t, other.accessToken, other.orgId, { name: 'o', scopes: ['images:generate'] })).secret;
    await t.http().post('/api/v1/images/generations').set({ ...bearer(otherKey), 'idempotency-key': 'order-1' }).send({ prompt: 'mine', size: '256x256' }).expect(202);
  });
});
