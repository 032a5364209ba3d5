import { rmSync } from 'node:fs';
import { EntityManager } from '@mikro-orm/core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, createKey, signUp } from '../support/accounts';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { Job } from '../../src/jobs/job.entity';
import { JobCatchUp } from '../../src/jobs/job-catch-up';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { JobNotifier } from '../../src/webhooks/job-notifier';
import { DeliveryLogRetention } from '../../src/webhooks/delivery-log-retention';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SCOPES = ['webhooks:write', 'images:generate', 'images:edit', 'images:read', 'jobs:read', 'jobs:cancel', 'credits:read'];
const withWebhooks = () => plansWithMoreWork().replace('features: { webhooks: false', 'features: { webhooks: true');

interface Org {
  orgId: string;
  key: string;
}

async function newOrg(t: TestApp): Promise<Org> {
  const user = await signUp(t);
  return { orgId: user.orgId, key: (await createKey(t, user.accessToken, user.orgId, { name: 'hooks', scopes: SCOPES })).secret };
}

const event = (body: string) => JSON.parse(body) as { type: string; timestamp: string; data: Record<string, unknown> };

describe('webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let a: Org;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // The receiver is on loopback, which only ALLOW_PRIVATE_URLS lets through; the schedule is shortened to seconds.
    t = await startTestApp(
      { ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_SCHEDULE: '0,1,1', WEBHOOK_DISABLE_AFTER_SECONDS: '2', CREDITS_LOW_THRESHOLD: '100', JOB_CONCURRENCY: '1' },
      { plansYaml: withWebhooks() },
    );
    a = await newOrg(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const as = (org: Org) => ({
    post: (path: string, body?: object) => t.http().post(path).set(bearer(org.key)).send(body),
    get: (path: string) => t.http().get(path).set(bearer(org.key)),
    patch: (path: string, body: object) => t.http().patch(path).set(bearer(org.key)).send(body),
    del: (path: string) => t.http().delete(path).set(bearer(org.key)),
  });

  async function finished(org: Org, jobId: string) {
    for (let i = 0; i < 400; i++) {
      const res = await as(org).get(`/api/v1/jobs/${jobId}`).expect(200);
      if (!['queued', 'processing'].includes(res.body.status)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('job did not finish');
  }

  async function deliveryFor(org: Org, endpointId: string, until: (d: { status: string }) => boolean) {
    for (let i = 0; i < 100; i++) {
      const res = await as(org).get(`/api/v1/webhook-deliveries?endpointId=${endpointId}`).expect(200);
      if (res.body.data[0] && until(res.body.data[0])) return (await as(org).get(`/api/v1/webhook-deliveries/${res.body.data[0].id}`).expect(200)).body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('delivery did not reach the expected state');
  }

  it('creates an endpoint with a whsec_ secret shown once, and lists it without the secret', async () => {
    const created = await as(a).post('/api/v1/webhook-endpoints', { url: receiver.url('/crud'), events: ['job.completed'], description: 'ci' }).expect(201);
    expect(created.body).toMatchObject({ url: receiver.url('/crud'), events: ['job.completed'], enabled: true, disabledReason: null, description: 'ci' });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await as(a).get('/api/v1/webhook-endpoints').expect(200);
    expect(listed.body.find((e: { id: string }) => e.id === created.body.id)).not.toHaveProperty('secret');
    const updated = await as(a).patch(`/api/v1/webhook-endpoints/${created.body.id}`, { events: ['job.failed', 'credits.low'], enabled: false }).expect(200);
    expect(updated.body).toMatchObject({ events: ['job.failed', 'credits.low'], enabled: false, disabledReason: 'manual' });
    await as(a).post('/api/v1/webhook-endpoints', { url: receiver.url('/x'), events: ['job.done'] }).expect(400);
    await as(a).post('/api/v1/webhook-endpoints', { url: 'ftp://example.com/' }).expect(400).expect((r) => expect(r.body.error.code).toBe('url_not_allowed'));
    await as(a).del(`/api/v1/webhook-endpoints/${created.body.id}`).expect(204);
    await as(a).get(`/api/v1/webhook-endpoints/${created.body.id}`).expect(404);
  });

  it("answers 404 for another organisation's endpoints and deliveries", async () => {
    const b = await newOrg(t);
    const endpoint = await as(a).post('/api/v1/webhook-endpoints', { url: receiver.url('/tenancy'), events: ['credits.low'] }).expect(201);
    for (const req of [
      as(b).get(`/api/v1/webhook-endpoints/${endpoint.body.id}`),
      as(b).patch(`/api/v1/webhook-endpoints/${endpoint.body.id}`, { enabled: false }),
      as(b).post(`/api/v1/webhook-endpoints/${endpoint.body.id}/rotate-secret`),
      as(b).del(`/api/v1/webhook-endpoints/${endpoint.body.id}`),
    ]) {
      await req.expect(404);
    }
    expect((await as(b).get('/api/v1/webhook-endpoints').expect(200)).body).toEqual([]);
    await as(a).del(`/api/v1/webhook-endpoints/${endpoint.body.id}`).expect(204);
  });

  it('delivers job.completed to a subscribed endpoint, signed per Standard Webhooks, and not to others', async () => {
    const org = await newOrg(t);
    const completed = await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/completed'), events: ['job.completed'] }).expect(201);
    await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/failed-only'), events: ['job.failed'] }).expect(201);
    const job = await as(org).post('/api/v1/images/generations', { prompt: 'a violet dawn', size: '256x256', metadata: { order: '42' } }).expect(202);
    const [hit] = await receiver.waitFor('/completed');
    const verified = new Webhook(completed.body.secret).verify(hit.body, hit.headers as Record<string, string>) as { type: string; data: { id: string } };
    expect(verified.type).toBe('job.completed');
    expect(hit.headers['webhook-id']).toBe(`evt_${job.body.id}`);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(event(hit.body).data).toMatchObject({ id: job.body.id, status: 'completed', metadata: { order: '42' }, outputs: [{ width: 256, height: 256 }] });
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(hit.body, hit.headers as Record<string, string>)).toThrow();
    const delivery = await deliveryFor(org, completed.body.id, (d) => d.status === 'succeeded');
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200, eventType: 'job.completed', attemptLog: [{ statusCode: 200, responseBody: 'thanks' }] });
    expect(receiver.at('/failed-only')).toHaveLength(0);
  });

  it("signs a job's own webhookUrl with the organisation's default secret, made on first use and rotatable", async () => {
    const org = await newOrg(t);
    await as(org).get('/api/v1/webhook-secret').expect(200, { configured: false, createdAt: null, rotatedAt: null });
    const first = await as(org).post('/api/v1/images/generations', { prompt: 'amber', size: '256x256', webhookUrl: receiver.url('/job-url') }).expect(202);
    const secret = first.body.webhookSecret as string;
    expect(secret).toMatch(/^whsec_/);
    const [hit] = await receiver.waitFor('/job-url');
    expect((new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>) as { data: { id: string } }).data.id).toBe(first.body.id);
    expect((await as(org).get(`/api/v1/jobs/${first.body.id}`).expect(200)).body.webhookUrl).toBe(receiver.url('/job-url'));

    const second = await as(org).post('/api/v1/images/generations', { prompt: 'amber', size: '256x256', webhookUrl: receiver.url('/job-url') }).expect(202);
    expect(second.body).not.toHaveProperty('webhookSecret');
    expect((await as(org).get('/api/v1/webhook-secret').expect(200)).body.configured).toBe(true);

    const rotated = await as(org).post('/api/v1/webhook-secret/rotate').expect(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect(Date.parse(rotated.body.previousSecretValidUntil)).toBeGreaterThan(Date.now());
    await as(org).post('/api/v1/images/generations', { prompt: 'amber', size: '256x256', webhookUrl: receiver.url('/job-url') }).expect(202);
    const hits = await receiver.waitFor('/job-url', 3);
    const last = hits[2];
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [secret, rotated.body.secret]) expect(() => new Webhook(s).verify(last.body, last.headers as Record<string, string>)).not.toThrow();
  });

  it('retries on the schedule with the same webhook-id, logs each attempt, and can be redelivered', async () => {
    const org = await newOrg(t);
    receiver.answer('/flaky', [500, 503, 200]);
    const endpoint = await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/flaky'), events: ['job.completed'] }).expect(201);
    await as(org).post('/api/v1/images/generations', { prompt: 'teal', size: '256x256' }).expect(202);
    const hits = await receiver.waitFor('/flaky', 3);
    expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
    const delivery = await deliveryFor(org, endpoint.body.id, (d) => d.status === 'succeeded');
    expect(delivery.attemptLog.map((x: { statusCode: number }) => x.statusCode)).toEqual([500, 503, 200]);
    expect(delivery.attempts).toBe(3);
    expect((await as(org).get(`/api/v1/webhook-endpoints/${endpoint.body.id}`).expect(200)).body).toMatchObject({ enabled: true, failingSince: null });

    const again = await as(org).post(`/api/v1/webhook-deliveries/${delivery.id}/redeliver`).expect(202);
    expect(again.body).toMatchObject({ id: delivery.id, status: 'pending', attempts: 0 });
    const after = await receiver.waitFor('/flaky', 4);
    expect(after[3].headers['webhook-id']).toBe(hits[0].headers['webhook-id']);
    expect(after[3].body).toBe(hits[0].body);
    const b = await newOrg(t);
    await as(b).get(`/api/v1/webhook-deliveries/${delivery.id}`).expect(404);
    await as(b).post(`/api/v1/webhook-deliveries/${delivery.id}/redeliver`).expect(404);
  });

  it('disables an endpoint that answers 410 Gone, and one that keeps failing', async () => {
    const org = await newOrg(t);
    receiver.answer('/gone', [410]);
    receiver.answer('/down', [500]);
    const gone = await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/gone'), events: ['job.completed'] }).expect(201);
    const down = await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/down'), events: ['job.completed'] }).expect(201);
    await as(org).post('/api/v1/images/generations', { prompt: 'grey', size: '256x256' }).expect(202);
    expect(await deliveryFor(org, gone.body.id, (d) => d.status === 'failed')).toMatchObject({ attempts: 1, lastStatusCode: 410 });
    expect((await as(org).get(`/api/v1/webhook-endpoints/${gone.body.id}`).expect(200)).body).toMatchObject({ enabled: false, disabledReason: 'gone' });
    await deliveryFor(org, down.body.id, (d) => d.status === 'failed');
    expect(receiver.at('/down')).toHaveLength(3);
    expect((await as(org).get(`/api/v1/webhook-endpoints/${down.body.id}`).expect(200)).body).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const failed = (await as(org).get(`/api/v1/webhook-deliveries?endpointId=${down.body.id}&status=failed`).expect(200)).body.data[0];
    await as(org).post(`/api/v1/webhook-deliveries/${failed.id}/redeliver`).expect(409);
    await as(org).patch(`/api/v1/webhook-endpoints/${down.body.id}`, { enabled: true }).expect(200);
    receiver.answer('/down', [200]);
    await as(org).post(`/api/v1/webhook-deliveries/${failed.id}/redeliver`).expect(202);
    await deliveryFor(org, down.body.id, (d) => d.status === 'succeeded');
  });

  it('announces job.failed and job.canceled', async () => {
    const org = await newOrg(t);
    await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/ends'), events: ['job.failed', 'job.canceled'] }).expect(201);
    // One job at a time: the jobs queued behind this one stay queued long enough to break and to cancel.
    await as(org).post('/api/v1/images/generations', { prompt: 'slow', size: '1024x1024', n: 4 }).expect(202);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const edit = await as(org).post('/api/v1/images/edits', { prompt: 'recolour', size: '256x256', images: [{ data: png.toString('base64'), mimeType: 'image/png' }] }).expect(202);
    rmSync(`${t.config.dataDir}/files/sources/${org.orgId}/${edit.body.id}-0`);
    const doomed = await as(org).post('/api/v1/images/generations', { prompt: 'never', size: '256x256' }).expect(202);
    await as(org).post(`/api/v1/jobs/${doomed.body.id}/cancel`).expect(200);
    const hits = await receiver.waitFor('/ends', 2, 30_000);
    const byType = Object.fromEntries(hits.map((h) => [event(h.body).type, event(h.body).data]));
    expect(byType['job.failed']).toMatchObject({ id: edit.body.id, status: 'failed', error: { code: 'job_failed' } });
    expect(byType['job.canceled']).toMatchObject({ id: doomed.body.id, status: 'canceled' });
    expect((await finished(org, edit.body.id)).status).toBe('failed');
  });

  it('writes a job event once per target even when it is published again (the sweep after a crash)', async () => {
    const org = await newOrg(t);
    const endpoint = await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/once'), events: ['job.completed'] }).expect(201);
    const job = await as(org).post('/api/v1/images/generations', { prompt: 'once', size: '256x256' }).set('prefer', 'wait=30').expect(200);
    await receiver.waitFor('/once');
    // As if the node had died after finishing the job but before clearing the flag.
    await t.app.get(EntityManager).fork().nativeUpdate(Job, { id: job.body.id }, { eventPending: true });
    await t.app.get(JobNotifier).notify({ id: job.body.id, orgId: org.orgId }, 'completed');
    expect((await t.app.get(EntityManager).fork().findOneOrFail(Job, { id: job.body.id })).eventPending).toBe(false);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at('/once')).toHaveLength(1);
    expect((await as(org).get(`/api/v1/webhook-deliveries?endpointId=${endpoint.body.id}`).expect(200)).body.data).toHaveLength(1);
  });

  it('completes a job nobody is told of without its eventPending flag, and flags one with a webhookUrl until its delivery is written', async () => {
    const org = await newOrg(t);
    const clears = vi.spyOn(t.app.get(JobsRepository), 'clearEventPending');
    const quiet = await as(org).post('/api/v1/images/generations', { prompt: 'quiet', size: '256x256' }).set('prefer', 'wait=30').expect(200);
    const told = await as(org).post('/api/v1/images/generations', { prompt: 'told', size: '256x256', webhookUrl: receiver.url('/flagged') }).set('prefer', 'wait=30').expect(200);
    await receiver.waitFor('/flagged');
    const em = t.app.get(EntityManager);
    for (let i = 0; i < 100 && (await em.fork().findOneOrFail(Job, { id: told.body.id })).eventPending; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await em.fork().findOneOrFail(Job, { id: told.body.id })).eventPending).toBe(false);
    const cleared = clears.mock.calls.flatMap(([ids]) => ids);
    clears.mockRestore();
    expect(cleared).toContain(told.body.id);
    expect(cleared).not.toContain(quiet.body.id);
    expect((await em.fork().findOneOrFail(Job, { id: quiet.body.id })).eventPending).toBe(false);
  });

  it('settles the credits of a job whose process died between its final status and the capture', async () => {
    const org = await newOrg(t);
    const job = await as(org).post('/api/v1/images/generations', { prompt: 'crash', size: '256x256' }).set('prefer', 'wait=30').expect(200);
    const em = t.app.get(EntityManager).fork();
    // The answer can come before the job's event is marked done (that write is batched): wait for it,
    // so that the crash staged below is not undone by it.
    for (let i = 0; i < 100 && (await em.fork().findOneOrFail(Job, { id: job.body.id })).eventPending; i++) await new Promise((r) => setTimeout(r, 20));
    const row = await em.findOneOrFail(Job, { id: job.body.id });
    // As an earlier build left a job whose node died right after the completion commit (it captured in a statement of its own):
    // no capture yet, the flag still set. A completion now captures in its own transaction; a failed job's release still follows it.
    await em.getConnection().execute('delete from credit_ledger where settles = ?', [row.reservationId]);
    // The kept figures as well: the capture's statement would not have run, nor the trigger that lets the reservation go.
    await em.getConnection().execute('update credit_balances set reserved = reserved - (select amount from credit_ledger where id = ?) where org_id = ?', [row.reservationId, row.orgId]);
    await em.nativeUpdate(Job, { id: row.id }, { eventPending: true });
    expect((await as(org).get('/api/v1/credits').expect(200)).body).toEqual({ creditsBalance: 99, reserved: 1 });
    await t.app.get(JobCatchUp).catchUp(new Date());
    expect((await as(org).get('/api/v1/credits').expect(200)).body).toEqual({ creditsBalance: 99, reserved: 0 });
    const ledger = (await as(org).get('/api/v1/credits/ledger').expect(200)).body.data;
    expect(ledger.filter((e: { kind: string }) => e.kind === 'capture')).toHaveLength(1);
  });

  it('sends credits.low once when the balance drops below the threshold', async () => {
    const org = await newOrg(t);
    await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url(`/low-${org.orgId}`), events: ['credits.low'] }).expect(201);
    await as(org).post('/api/v1/images/generations', { prompt: 'one', size: '256x256' }).expect(202);
    await as(org).post('/api/v1/images/generations', { prompt: 'two', size: '256x256' }).expect(202);
    const [hit] = await receiver.waitFor(`/low-${org.orgId}`);
    expect(event(hit.body)).toMatchObject({ type: 'credits.low', data: { creditsBalance: 99, threshold: 100 } });
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at(`/low-${org.orgId}`)).toHaveLength(1);
  });

  // Last in this block: it deletes the finished deliveries of every organisation above.
  it('purges finished deliveries past WEBHOOK_LOG_RETENTION_DAYS, with their attempts, and keeps pending ones', async () => {
    const org = await newOrg(t);
    receiver.answer('/retained', [500]);
    const endpoint = await as(org).post('/api/v1/webhook-endpoints', { url: receiver.url('/retained'), events: ['job.completed'] }).expect(201);
    await as(org).post('/api/v1/images/generations', { prompt: 'kept', size: '256x256' }).set('prefer', 'wait=30').expect(200);
    const pending = await deliveryFor(org, endpoint.body.id, (d) => d.status === 'pending' && (d as { attempts?: number }).attempts === 1);
    const done = (await as(a).get('/api/v1/webhook-deliveries?status=succeeded').expect(200)).body.data;
    expect(await t.app.get(DeliveryLogRetention).purge(new Date())).toBe(0);
    expect(await t.app.get(DeliveryLogRetention).purge(new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThan(0);
    for (const d of done) await as(a).get(`/api/v1/webhook-deliveries/${d.id}`).expect(404);
    await as(org).get(`/api/v1/webhook-deliveries/${pending.id}`).expect(200);
  });
});

describe('webhook URL safety and plan', () => {
  let t: TestApp;
  let org: Org;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: withWebhooks() });
    org = await newOrg(t);
  });
  afterAll(() => t.close());

  it.each(['http://127.0.0.1:8080/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:127.0.0.1]/', 'http://localhost/', 'http://10.0.0.8/', 'http://[fd00::1]/'])(
    'refuses %s with 400 url_not_allowed',
    async (url) => {
      const endpoint = await t.http().post('/api/v1/webhook-endpoints').set(bearer(org.key)).send({ url }).expect(400);
      expect(endpoint.body.error).toMatchObject({ code: 'url_not_allowed', field: 'url', reason: 'private_address' });
      const job = await t.http().post('/api/v1/images/generations').set(bearer(org.key)).send({ prompt: 'x', size: '256x256', webhookUrl: url }).expect(400);
      expect(job.body.error).toMatchObject({ code: 'url_not_allowed', field: 'webhookUrl' });
    },
  );

  it('accepts nothing and charges nothing for a refused webhookUrl', async () => {
    await t.http().post('/api/v1/images/generations').set(bearer(org.key)).send({ prompt: 'x', size: '256x256', webhookUrl: 'http://127.0.0.1/' }).expect(400);
    expect((await t.http().get('/api/v1/jobs').set(bearer(org.key)).expect(200)).body.data).toEqual([]);
    expect((await t.http().get('/api/v1/credits').set(bearer(org.key)).expect(200)).body).toEqual({ creditsBalance: 100, reserved: 0 });
  });

  it('refuses webhooks on a plan without them (403 plan_limit)', async () => {
    const plain = await startTestApp();
    try {
      const o = await newOrg(plain);
      const res = await plain.http().post('/api/v1/webhook-endpoints').set(bearer(o.key)).send({ url: 'https://example.com/hook' }).expect(403);
      expect(res.body.error).toMatchObject({ code: 'plan_limit', feature: 'webhooks' });
      await plain.http().post('/api/v1/images/generations').set(bearer(o.key)).send({ prompt: 'x', webhookUrl: 'https://example.com/hook' }).expect(403);
    } finally {
      await plain.close();
    }
  });
});
