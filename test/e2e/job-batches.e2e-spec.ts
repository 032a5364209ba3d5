import { existsSync, readdirSync, rmSync } from 'node:fs';
import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchJobs } from '../../src/jobs/batch-jobs';
import { Job } from '../../src/jobs/job.entity';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SCOPES = ['webhooks:write', 'images:generate', 'images:edit', 'jobs:read', 'jobs:cancel', 'credits:read'];
/** Webhooks on, a daily quota above the credits, and one job of an organisation at a time, so a batch's later children wait while its first runs. */
const plans = () =>
  plansWithMoreWork().replace('features: { webhooks: false', 'features: { webhooks: true').replace('maxConcurrentJobs: 2', 'maxConcurrentJobs: 1').replace('dailyImages: 100', 'dailyImages: 1000');
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
/** Takes aura a few seconds. */
const SLOW = { operation: 'images.generate', prompt: 'a slow storm', size: '1024x1024', n: 4, style: 'sketch' };
const quick = (prompt: string) => ({ operation: 'images.generate', prompt, size: '256x256' });

interface Org {
  orgId: string;
  key: string;
}

describe('batches: a parent job and a child job per item', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({ ALLOW_PRIVATE_URLS: 'true' }, { plansYaml: plans() });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function newOrg(): Promise<Org> {
    const user = await signUp(t);
    return { orgId: user.orgId, key: (await createKey(t, user.accessToken, user.orgId, { name: 'batch', scopes: SCOPES })).secret };
  }
  const post = (org: Org, body: object, headers: Record<string, string> = {}) => t.http().post('/api/v1/jobs').set({ ...bearer(org.key), ...headers }).send(body);
  const get = (org: Org, path: string) => t.http().get(path).set(bearer(org.key)).expect(200);

  async function ended(org: Org, jobId: string) {
    for (let i = 0; i < 600; i++) {
      const job = (await get(org, `/api/v1/jobs/${jobId}`)).body;
      if (!['queued', 'processing'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not end`);
  }

  it('creates the batch and its children, each reserving its own price; the batch shows progress, then ends completed with a summary and the children\'s cost', async () => {
    const org = await newOrg();
    const items = [quick('one'), { ...quick('two'), n: 2, metadata: { sku: 'B-2' } }, { operation: 'images.edit', prompt: 'three', size: '256x256', images: [{ data: PNG, mimeType: 'image/png' }] }];
    const accepted = await post(org, { items }).expect(202);
    expect(accepted.body).toEqual({ id: expect.any(String), status: 'processing', estimatedTime: 4, creditsBalance: 96 });
    const running = (await get(org, `/api/v1/jobs/${accepted.body.id}`)).body;
    expect(running).toMatchObject({ type: 'batch', status: 'processing', progress: { total: 3 }, outputs: [], cost: 0 });
    expect(running).not.toHaveProperty('summary');
    const batch = await ended(org, accepted.body.id);
    const childIds = batch.children.map((c: { id: string }) => c.id);
    expect(batch).toMatchObject({
      type: 'batch', status: 'completed', cost: 4, error: null,
      progress: { done: 3, total: 3 },
      summary: { completed: 3, failed: 0, canceled: 0 },
      children: childIds.map((id: string) => ({ id, status: 'completed' })),
    });
    const children = await Promise.all(childIds.map(async (id: string) => (await get(org, `/api/v1/jobs/${id}`)).body));
    expect(children.map((c) => [c.type, c.cost, c.parentId, c.outputs.length])).toEqual([
      ['images.generate', 1, batch.id, 1],
      ['images.generate', 2, batch.id, 2],
      ['images.edit', 1, batch.id, 1],
    ]);
    expect(children[1].metadata).toEqual({ sku: 'B-2' });
    const ledger = (await get(org, '/api/v1/credits/ledger')).body.data;
    expect(ledger.filter((e: { kind: string }) => e.kind === 'reservation')).toHaveLength(3);
    expect((await get(org, '/api/v1/credits')).body).toEqual({ creditsBalance: 96, reserved: 0 });
    expect((await get(org, '/api/v1/jobs?type=batch')).body.data.map((j: { id: string }) => j.id)).toEqual([batch.id]);
  }, 30_000);

  it('waits for the whole batch with Prefer: wait', async () => {
    const org = await newOrg();
    const res = await post(org, { items: [quick('a'), quick('b')] }, { prefer: 'wait=30' }).expect(200);
    expect(res.body).toMatchObject({ type: 'batch', status: 'completed', summary: { completed: 2, failed: 0, canceled: 0 } });
  });

  it('sends one webhook for the batch, to its webhookUrl and to subscribed endpoints, and none for its children', async () => {
    const org = await newOrg();
    await t.http().post('/api/v1/webhook-endpoints').set(bearer(org.key)).send({ url: receiver.url(`/endpoint-${org.orgId}`), events: ['job.completed'] }).expect(201);
    const accepted = await post(org, { items: [quick('a'), quick('b')], webhookUrl: receiver.url(`/own-${org.orgId}`) }).expect(202);
    expect(accepted.body.webhookSecret).toMatch(/^whsec_/);
    const [own] = await receiver.waitFor(`/own-${org.orgId}`);
    const [endpoint] = await receiver.waitFor(`/endpoint-${org.orgId}`);
    for (const hit of [own, endpoint]) {
      expect(JSON.parse(hit.body)).toMatchObject({ type: 'job.completed', data: { id: accepted.body.id, type: 'batch', summary: { completed: 2 } } });
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at(`/own-${org.orgId}`)).toHaveLength(1);
    expect(receiver.at(`/endpoint-${org.orgId}`)).toHaveLength(1);
  });

  it('ends completed when some children failed, and says so in its summary', async () => {
    const org = await newOrg();
    const accepted = await post(org, { items: [SLOW, { operation: 'images.edit', prompt: 'doomed', size: '256x256', images: [{ data: PNG, mimeType: 'image/png' }] }] }).expect(202);
    const [, edit] = (await get(org, `/api/v1/jobs/${accepted.body.id}`)).body.children;
    // The edit waits behind the slow generation: its source goes missing before it runs.
    rmSync(`${t.config.dataDir}/files/sources/${org.orgId}/${edit.id}-0`);
    const batch = await ended(org, accepted.body.id);
    expect(batch).toMatchObject({ status: 'completed', cost: 4, summary: { completed: 1, failed: 1, canceled: 0 } });
    expect((await get(org, `/api/v1/jobs/${edit.id}`)).body).toMatchObject({ status: 'failed', error: { code: 'job_failed' } });
    expect((await get(org, '/api/v1/credits')).body).toEqual({ creditsBalance: 96, reserved: 0 });
  }, 60_000);

  it('cancels the children still queued or running when the batch is cancelled, and ends it canceled with every credit back', async () => {
    const org = await newOrg();
    const accepted = await post(org, { items: [SLOW, quick('b'), quick('c')] }).expect(202);
    for (let i = 0; i < 200; i++) {
      if ((await get(org, `/api/v1/jobs/${accepted.body.id}`)).body.children[0].status === 'processing') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancelled = await t.http().post(`/api/v1/jobs/${accepted.body.id}/cancel`).set(bearer(org.key)).expect(200);
    expect(cancelled.body).toMatchObject({ id: accepted.body.id, type: 'batch' });
    expect(cancelled.body.children.slice(1)).toEqual([expect.objectContaining({ status: 'canceled' }), expect.objectContaining({ status: 'canceled' })]);
    const batch = await ended(org, accepted.body.id);
    expect(batch).toMatchObject({ status: 'canceled', cost: 0, summary: { completed: 0, failed: 0, canceled: 3 } });
    expect((await get(org, '/api/v1/credits')).body).toEqual({ creditsBalance: 100, reserved: 0 });
    await t.http().post(`/api/v1/jobs/${accepted.body.id}/cancel`).set(bearer(org.key)).expect(200);
  }, 60_000);

  it('refuses the whole batch with 402 when the balance does not cover every item, creating nothing', async () => {
    const org = await newOrg();
    const edit = { operation: 'images.edit', prompt: 'kept?', size: '256x256', n: 4, images: [{ data: PNG, mimeType: 'image/png' }] };
    const items = [edit, ...Array.from({ length: 25 }, (_, i) => ({ ...quick(`item ${i}`), n: 4 }))];
    const res = await post(org, { items }).expect(402);
    expect(res.body.error).toMatchObject({ code: 'insufficient_credits', creditsNeeded: 104, creditsBalance: 100 });
    expect((await get(org, '/api/v1/jobs')).body.data).toEqual([]);
    // The edit's source was stored while the items were checked; the refused batch leaves none behind.
    const sources = `${t.config.dataDir}/files/sources/${org.orgId}`;
    expect(existsSync(sources) ? readdirSync(sources) : []).toEqual([]);
    expect((await get(org, '/api/v1/credits')).body).toEqual({ creditsBalance: 100, reserved: 0 });
  });

  it('names the item a refusal is about, and bounds the batch', async () => {
    const org = await newOrg();
    const invalid = await post(org, { items: [quick('fine'), { operation: 'images.generate', prompt: 7 }] }).expect(400);
    expect(invalid.body.error).toMatchObject({ code: 'validation_failed', item: 1, fields: [expect.objectContaining({ field: 'items[1].prompt' })] });
    expect(invalid.body.error.message).toMatch(/^items\[1\]: /);
    const unknown = await post(org, { items: [{ operation: 'images.teleport' }] }).expect(400);
    expect(unknown.body.error).toMatchObject({ item: 0, operations: ['backgrounds.generate', 'backgrounds.remove', 'channels.publish', 'channels.sync', 'compliance', 'images.edit', 'images.generate', 'process', 'relight.shadow', 'upscale', 'videos.generate'], fields: [expect.objectContaining({ field: 'items[0].operation' })] });
    const model = await post(org, { items: [quick('fine'), { ...quick('x'), model: 'nope' }] }).expect(400);
    expect(model.body.error).toMatchObject({ code: 'invalid_model', item: 1 });
    const hook = await post(org, { items: [{ ...quick('x'), webhookUrl: 'https://example.com/h' }] }).expect(400);
    expect(hook.body.error.fields[0].field).toBe('items[0].webhookUrl');
    await post(org, { items: [] }).expect(400);
    await post(org, { items: Array.from({ length: 101 }, () => quick('x')) }).expect(400);
    await post(org, { items: [quick('x')], operation: 'images.generate' }).expect(400);
    expect((await get(org, '/api/v1/jobs')).body.data).toEqual([]);
  });

  it('ends a batch whose last child ended in a process that died before it could (the sweep)', async () => {
    const org = await newOrg();
    const done = await post(org, { items: [quick('a')] }, { prefer: 'wait=30' }).expect(200);
    // As if the process had died after the child's end, before the batch's.
    await t.app.get(EntityManager).fork().nativeUpdate(Job, { id: done.body.id }, { status: 'processing', finishedAt: null, eventPending: false, cost: 0 });
    expect((await get(org, `/api/v1/jobs/${done.body.id}`)).body.status).toBe('processing');
    await t.app.get(BatchJobs).settleStranded();
    expect((await get(org, `/api/v1/jobs/${done.body.id}`)).body).toMatchObject({ status: 'completed', cost: 1, summary: { completed: 1 } });
  });
});
