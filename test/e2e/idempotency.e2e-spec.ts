import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

describe('Idempotency-Key replays and the plan limits', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    // 3 work requests a minute and 4 images a day.
    t = await startTestApp({}, { plansYaml: plansWithMoreWork().replace('workPerMinute: 100', 'workPerMinute: 3').replace('dailyImages: 100', 'dailyImages: 4') });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'i', scopes: ['images:generate'] })).secret;
  });
  afterAll(() => t.close());

  const post = (idem: string | null, body: Record<string, unknown>) =>
    t.http().post('/api/v1/images/generations').set({ ...bearer(key), ...(idem ? { 'idempotency-key': idem } : {}) }).send(body);

  it('answers replays beyond the per-minute limit and the daily quota, and counts none of them', async () => {
    const a = { prompt: 'replayed a', size: '256x256', n: 2 };
    const first = await post('limits-a', a).expect(202);
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    for (let i = 0; i < 5; i++) {
      const replay = await post('limits-a', a).expect(202);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    // The replays took nothing: this is the second work request of the minute, and the quota has 2 images left.
    const b = { prompt: 'replayed b', size: '256x256', n: 2 };
    expect((await post('limits-b', b).expect(202)).headers['x-ratelimit-remaining']).toBe('1');
    expect((await post(null, { prompt: 'over the day', size: '256x256' }).expect(429)).body.error.code).toBe('daily_limit_reached');
    expect((await post(null, { prompt: 'over the minute', size: '256x256' }).expect(429)).body.error.code).toBe('rate_limited');
    expect((await post('limits-a', a).expect(202)).body.id).toBe(first.body.id);
    await post('limits-b', b).expect(202);
  });
});

describe('Idempotency-Key held by a live request on another node', () => {
  let a: TestApp;
  let b: TestApp;
  let key: string;
  beforeAll(async () => {
    // A 1 s lease: the holding request must renew it to keep the key.
    const env = { JOB_LEASE_SECONDS: '1' };
    // 2048 px allowed: four such images take aura tens of seconds, so the job outlasts the wait below on any machine.
    const plans = plansWithMoreWork().replace('maxWidth: 1024', 'maxWidth: 2048').replace('maxHeight: 1024', 'maxHeight: 2048');
    a = await startTestApp(env, { plansYaml: plans });
    b = await startTestApp(env, { sharedWith: a, plansYaml: plans });
    const user = await signUp(a);
    key = (await createKey(a, user.accessToken, user.orgId, { name: 'i', scopes: ['images:generate', 'jobs:read', 'jobs:cancel'] })).secret;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('answers 409 on the other node for as long as the request runs, past its first lease', async () => {
    const body = { prompt: 'a long wait', size: '2048x2048', n: 4, style: 'sketch' };
    const holding = a.http().post('/api/v1/images/generations').set({ ...bearer(key), 'idempotency-key': 'held', prefer: 'wait=60' }).send(body).then((r) => r);
    let jobId: string | undefined;
    for (let i = 0; i < 100 && !jobId; i++) {
      await sleep(50);
      jobId = (await b.http().get('/api/v1/jobs').set(bearer(key)).expect(200)).body.data[0]?.id;
    }
    await sleep(2500);
    const meanwhile = await b.http().post('/api/v1/images/generations').set({ ...bearer(key), 'idempotency-key': 'held' }).send(body).expect(409);
    expect(meanwhile.body.error.code).toBe('idempotency_key_in_use');
    await b.http().post(`/api/v1/jobs/${jobId}/cancel`).set(bearer(key)).expect(200);
    const first = await holding;
    expect(first.body).toMatchObject({ id: jobId, status: 'canceled' });
    const replay = await b.http().post('/api/v1/images/generations').set({ ...bearer(key), 'idempotency-key': 'held' }).send(body).expect(first.status);
    expect(replay.body.id).toBe(jobId);
    expect((await b.http().get('/api/v1/jobs').set(bearer(key)).expect(200)).body.data).toHaveLength(1);
  }, 60_000);
});
