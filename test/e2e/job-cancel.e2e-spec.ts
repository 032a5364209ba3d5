import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, settledCredits, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The free plan, allowed 2048 px images: four of them take aura tens of seconds. */
const plans = () => plansWithMoreWork().replace('maxWidth: 1024', 'maxWidth: 2048').replace('maxHeight: 1024', 'maxHeight: 2048');
const SLOW = { prompt: 'a slow storm over the sea', size: '2048x2048', n: 4, style: 'sketch' };
/** Far less than the render itself; the cancel should take about a poll (1 s) at most. */
const PROMPT_STOP_MS = 5000;

/** Submits a slow job on `api`, waits until a worker runs it, cancels it on `api`, and checks that it stops at once and is paid back. */
async function cancelWhileRendering(api: TestApp) {
  const user = await signUp(api);
  const key = (await createKey(api, user.accessToken, user.orgId, { name: 'c', scopes: ['images:generate', 'jobs:read', 'jobs:cancel', 'credits:read'] })).secret;
  const accepted = await api.http().post('/api/v1/images/generations').set(bearer(key)).send(SLOW).expect(202);
  expect(accepted.body.creditsBalance).toBe(96);
  for (let i = 0; i < 200; i++) {
    if ((await api.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(key)).expect(200)).body.status === 'processing') break;
    await sleep(50);
  }
  const canceled = await api.http().post(`/api/v1/jobs/${accepted.body.id}/cancel`).set(bearer(key)).expect(200);
  expect(canceled.body).toMatchObject({ id: accepted.body.id, status: 'processing', cancelRequested: true, outputs: [], cost: 0 });
  const askedAt = Date.now();
  let job = canceled.body;
  while (job.status === 'processing' && Date.now() - askedAt < PROMPT_STOP_MS) {
    await sleep(50);
    job = (await api.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(key)).expect(200)).body;
  }
  expect(job.status).toBe('canceled');
  expect(job).not.toHaveProperty('cancelRequested');
  expect(job).toMatchObject({ outputs: [], cost: 0, error: null });
  await settledCredits(api, key, { creditsBalance: 100, reserved: 0 });
}

describe('cancelling a running job', () => {
  describe('on the node that runs it', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({}, { plansYaml: plans() });
    });
    afterAll(() => t.close());

    it('stops the render within seconds, answers cancelRequested, and releases the credits', () => cancelWhileRendering(t), 60_000);

    it('answers a cancel of a cancelled job with the job, and of a finished one with 409', async () => {
      const user = await signUp(t);
      const key = (await createKey(t, user.accessToken, user.orgId, { name: 'c', scopes: ['images:generate', 'jobs:read', 'jobs:cancel'] })).secret;
      const done = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'quick', size: '256x256' }).expect(200);
      expect((await t.http().post(`/api/v1/jobs/${done.body.id}/cancel`).set(bearer(key)).expect(409)).body.error.code).toBe('conflict');
      const slow = await t.http().post('/api/v1/images/generations').set(bearer(key)).send(SLOW).expect(202);
      await t.http().post(`/api/v1/jobs/${slow.body.id}/cancel`).set(bearer(key)).expect(200);
      for (let i = 0; i < 100; i++) {
        const again = await t.http().post(`/api/v1/jobs/${slow.body.id}/cancel`).set(bearer(key)).expect(200);
        if (again.body.status === 'canceled') return;
        expect(again.body.cancelRequested).toBe(true);
        await sleep(50);
      }
      throw new Error('the job was not canceled');
    }, 60_000);
  });

  describe('on an API node while a worker node runs it', () => {
    let api: TestApp;
    let worker: TestApp;
    beforeAll(async () => {
      api = await startTestApp({ PROCESS_ROLE: 'api' }, { plansYaml: plans() });
      worker = await startTestApp({ PROCESS_ROLE: 'worker' }, { sharedWith: api, plansYaml: plans() });
    });
    afterAll(async () => {
      await worker.close();
      await api.close();
    });

    it('reaches the worker through the job row and stops the render there', () => cancelWhileRendering(api), 60_000);
  });
});
