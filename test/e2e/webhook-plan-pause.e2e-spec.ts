import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, uniqueEmail, type TestUser } from '../support/accounts';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { WebhookDelivery } from '../../src/webhooks/webhook-delivery.entity';
import { WebhookPublisher } from '../../src/webhooks/webhook-publisher';
import { WebhooksRepository } from '../../src/webhooks/webhooks.repository';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SCOPES = ['webhooks:write', 'images:generate', 'jobs:read'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Delivery {
  id: string;
  eventId: string;
  status: string;
  endpointId: string | null;
  nextAttemptAt: string | null;
}

describe("a plan without webhooks pauses an organisation's endpoints; a plan with them resumes them", () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let operator: TestUser;
  let owner: TestUser;
  let key: string;
  const operatorEmail = uniqueEmail('operator');

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // The second attempt waits 60 s, so a failed first attempt leaves its delivery pending for the test.
    t = await startTestApp({ ALLOW_PRIVATE_URLS: 'true', ADMIN_EMAILS: operatorEmail, WEBHOOK_RETRY_SCHEDULE: '0,60,60' }, { plansYaml: plansWithMoreWork() });
    operator = await signUp(t, { email: operatorEmail });
    owner = await signUp(t);
    await setPlan('pro');
    key = (await createKey(t, owner.accessToken, owner.orgId, { name: 'hooks', scopes: SCOPES })).secret;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const setPlan = (plan: string) => t.http().patch(`/api/v1/admin/orgs/${owner.orgId}`).set(bearer(operator.accessToken)).send({ plan }).expect(200);
  const as = {
    get: (path: string) => t.http().get(path).set(bearer(key)),
    post: (path: string, body?: object) => t.http().post(path).set(bearer(key)).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set(bearer(key)).send(body),
  };
  const deliveries = async (): Promise<Delivery[]> => (await as.get('/api/v1/webhook-deliveries?limit=100').expect(200)).body.data;
  async function until(check: (all: Delivery[]) => boolean): Promise<Delivery[]> {
    for (let i = 0; i < 100; i++) {
      const all = await deliveries();
      if (check(all)) return all;
      await sleep(100);
    }
    throw new Error(`deliveries did not reach the expected state: ${JSON.stringify(await deliveries())}`);
  }

  it('keeps pending deliveries as paused, sends nothing while paused, and sends them after an upgrade', async () => {
    receiver.answer('/endpoint', [500, 200]);
    receiver.answer('/job-url', [500, 200]);
    const endpoint = await as.post('/api/v1/webhook-endpoints', { url: receiver.url('/endpoint'), events: ['job.completed'] }).expect(201);
    const switchedOff = await as.post('/api/v1/webhook-endpoints', { url: receiver.url('/off'), events: ['job.completed'] }).expect(201);
    await as.patch(`/api/v1/webhook-endpoints/${switchedOff.body.id}`, { enabled: false }).expect(200);
    const offWhilePaused = await as.post('/api/v1/webhook-endpoints', { url: receiver.url('/off-while-paused'), events: ['credits.low'] }).expect(201);
    await as.post('/api/v1/images/generations', { prompt: 'dusk', size: '256x256', webhookUrl: receiver.url('/job-url') }).expect(202);
    await receiver.waitFor('/endpoint');
    await receiver.waitFor('/job-url');
    await until((all) => all.length === 2 && all.every((d) => d.status === 'pending'));

    await setPlan('free');
    const paused = await deliveries();
    expect(paused.map((d) => [d.status, d.nextAttemptAt])).toEqual([['paused', null], ['paused', null]]);
    expect((await as.get('/api/v1/webhook-deliveries?status=paused').expect(200)).body.data).toHaveLength(2);
    expect((await as.get(`/api/v1/webhook-endpoints/${endpoint.body.id}`).expect(200)).body).toMatchObject({ enabled: false, disabledReason: 'plan' });
    expect((await as.get(`/api/v1/webhook-endpoints/${switchedOff.body.id}`).expect(200)).body).toMatchObject({ enabled: false, disabledReason: 'manual' });
    const refused = await as.post(`/api/v1/webhook-deliveries/${paused[0].id}/redeliver`).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'plan_limit', feature: 'webhooks' });
    await as.patch(`/api/v1/webhook-endpoints/${endpoint.body.id}`, { enabled: true }).expect(403);
    // Switched off by hand while paused: it stays off when the plan comes back.
    expect((await as.patch(`/api/v1/webhook-endpoints/${offWhilePaused.body.id}`, { enabled: false }).expect(200)).body).toMatchObject({ enabled: false, disabledReason: 'manual' });

    // A job finishing while paused writes nothing for the paused endpoint.
    await as.post('/api/v1/images/generations', { prompt: 'night', size: '256x256' }).set('prefer', 'wait=30').expect(200);
    await sleep(1500);
    expect(receiver.at('/endpoint')).toHaveLength(1);
    expect(receiver.at('/job-url')).toHaveLength(1);
    expect(await deliveries()).toHaveLength(2);

    await setPlan('pro');
    expect((await as.get(`/api/v1/webhook-endpoints/${endpoint.body.id}`).expect(200)).body).toMatchObject({ enabled: true, disabledReason: null });
    for (const off of [switchedOff, offWhilePaused]) {
      expect((await as.get(`/api/v1/webhook-endpoints/${off.body.id}`).expect(200)).body).toMatchObject({ enabled: false, disabledReason: 'manual' });
    }
    const [first] = receiver.at('/endpoint');
    const [again] = (await receiver.waitFor('/endpoint', 2)).slice(1);
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    await receiver.waitFor('/job-url', 2);
    await until((all) => all.every((d) => d.status === 'succeeded'));
    expect(receiver.at('/off')).toHaveLength(0);
  });

  it('parks, rather than sends or fails, a delivery written just as the plan lost webhooks', async () => {
    const endpoint = await as.post('/api/v1/webhook-endpoints', { url: receiver.url('/late'), events: ['job.completed'] }).expect(201);
    await setPlan('free');
    // As a node that read the endpoints before the change would write them, and a job's own URL.
    await t.app.get(WebhooksRepository).insertDeliveries([
      Object.assign(new WebhookDelivery(), { orgId: owner.orgId, eventId: 'evt_late', eventType: 'job.completed', target: endpoint.body.id, endpointId: endpoint.body.id, url: receiver.url('/late'), payload: '{}' }),
    ]);
    await t.app.get(WebhookPublisher).publish(owner.orgId, { id: 'evt_late_job', type: 'job.completed', data: {} }, { jobId: 'late-job', url: receiver.url('/late-job') });
    const late = (all: Delivery[]) => all.filter((d) => d.eventId.startsWith('evt_late'));
    const parked = late(await until((all) => late(all).length === 2 && late(all).every((d) => d.status === 'paused')));
    expect(parked.map((d) => d.nextAttemptAt)).toEqual([null, null]);
    expect(receiver.at('/late')).toHaveLength(0);
    expect(receiver.at('/late-job')).toHaveLength(0);

    await setPlan('pro');
    await receiver.waitFor('/late');
    await receiver.waitFor('/late-job');
  });
});
