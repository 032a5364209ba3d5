import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueueRepository } from '../../src/jobs/job-queue.repository';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const ALL = ['images:generate', 'images:edit', 'images:read', 'jobs:read', 'credits:read'];

/** POST /api/v1/jobs: any registered operation, validated, scoped, counted and answered as on its own route. */
describe('POST /api/v1/jobs', () => {
  let t: TestApp;
  let user: TestUser;
  let key: string;
  let white: Buffer;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'all', scopes: ALL })).secret;
    white = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
  });
  afterAll(() => t.close());

  const post = (headers: Record<string, string> = {}, as = key) => t.http().post('/api/v1/jobs').set({ ...bearer(as), ...headers });
  const usage = async () => (await t.http().get('/api/v1/subscription').set(bearer(key)).expect(200)).body.usage.images;
  const balance = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance;

  async function finished(jobId: string): Promise<Record<string, unknown> & { status: string; outputs: unknown[] }> {
    for (let i = 0; i < 200; i++) {
      const job = (await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body;
      if (!['queued', 'processing'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  it('creates an images.generate job from JSON: 202, reserved and counted as on /images/generations, and it completes', async () => {
    const [usedBefore, balanceBefore] = [await usage(), await balance()];
    const res = await post().send({ operation: 'images.generate', prompt: 'a calm sea', size: '256x256', n: 2, metadata: { sku: 'S-1' } }).expect(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued', estimatedTime: 2, creditsBalance: balanceBefore - 2 });
    expect(await usage()).toBe(usedBefore + 2);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ type: 'images.generate', status: 'completed', cost: 2, metadata: { sku: 'S-1' } });
    expect(job.outputs).toHaveLength(2);
    expect(job).not.toHaveProperty('parentId');
  });

  it('waits with Prefer: wait and answers the finished job with Preference-Applied', async () => {
    const res = await post({ prefer: 'wait=30' }).send({ operation: 'images.generate', prompt: 'waited', size: '256x256' }).expect(200);
    expect(res.headers['preference-applied']).toBe('wait=30');
    expect(res.body).toMatchObject({ type: 'images.generate', status: 'completed', cost: 1, outputs: [expect.objectContaining({ width: 256, height: 256 })] });
  });

  it('creates an images.edit job from JSON, its sources checked as on /images/edits', async () => {
    const res = await post({ prefer: 'wait=30' })
      .send({ operation: 'images.edit', prompt: 'recolour', size: '256x256', images: [{ data: white.toString('base64'), mimeType: 'image/png' }] })
      .expect(200);
    expect(res.body).toMatchObject({ type: 'images.edit', status: 'completed', cost: 1 });
    const bad = await post().send({ operation: 'images.edit', prompt: 'x', images: [{ data: '%%%', mimeType: 'image/png' }] }).expect(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_base64', index: 0 });
  });

  it('takes images.edit as a multipart form: its number and JSON fields read as the operation says, its files as sources', async () => {
    const usedBefore = await usage();
    const res = await post({ prefer: 'wait=30' })
      .field('operation', 'images.edit')
      .field('prompt', 'red scarlet crimson')
      .field('size', '256x256')
      .field('n', '2')
      .field('metadata', '{"sku":"F-1"}')
      .attach('images', white, 'white.png')
      .expect(200);
    expect(res.body).toMatchObject({ type: 'images.edit', status: 'completed', metadata: { sku: 'F-1' } });
    expect(res.body.outputs).toHaveLength(2);
    expect(await usage()).toBe(usedBefore + 2);
  });

  it('refuses a form for an operation that takes JSON only, and a form with a prototype key in a JSON field', async () => {
    const generate = await post().field('operation', 'images.generate').field('prompt', 'x').expect(415);
    expect(generate.body.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('images.generate takes JSON only') });
    const polluted = await post().field('operation', 'images.edit').field('prompt', 'x').field('metadata', '{"__proto__":{"a":"b"}}').attach('images', white, 'w.png').expect(400);
    expect(polluted.body.error.code).toBe('invalid_json');
  });

  it('answers an unknown or missing operation with 400 and the list of operations', async () => {
    const unknown = await post().send({ operation: 'images.upscale', prompt: 'x' }).expect(400);
    expect(unknown.body.error).toMatchObject({
      code: 'validation_failed',
      operations: ['backgrounds.generate', 'backgrounds.remove', 'channels.publish', 'channels.sync', 'compliance', 'images.edit', 'images.generate', 'process', 'relight.shadow', 'upscale', 'videos.generate'],
      fields: [{ field: 'operation', messages: ['operation must be one of: backgrounds.generate, backgrounds.remove, channels.publish, channels.sync, compliance, images.edit, images.generate, process, relight.shadow, upscale, videos.generate'] }],
    });
    const missing = await post().send({ prompt: 'x' }).expect(400);
    expect(missing.body.error).toMatchObject({ code: 'validation_failed', operations: ['backgrounds.generate', 'backgrounds.remove', 'channels.publish', 'channels.sync', 'compliance', 'images.edit', 'images.generate', 'process', 'relight.shadow', 'upscale', 'videos.generate'] });
    const notObject = await post().send([{ operation: 'images.generate' }]).expect(400);
    expect(notObject.body.error.message).toContain('must be a JSON object');
  });

  it("validates the fields with the operation's own DTO: wrong types and unknown fields, as its route does", async () => {
    const res = await post().send({ operation: 'images.generate', prompt: 5, n: 9, colour: 'red' }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['colour', 'n', 'prompt']);
    const ownRoute = await t.http().post('/api/v1/images/generations').set(bearer(key)).send({ prompt: 5, n: 9, colour: 'red' }).expect(400);
    expect(res.body.error.fields).toEqual(ownRoute.body.error.fields);
    const webhook = await post().send({ operation: 'images.generate', prompt: 'x', webhookUrl: 42 }).expect(400);
    expect(webhook.body.error.fields[0].field).toBe('webhookUrl');
  });

  it("needs the operation's scope, as its own route does: 403 insufficient_scope naming it", async () => {
    const generateOnly = (await createKey(t, user.accessToken, user.orgId, { name: 'gen', scopes: ['images:generate'] })).secret;
    const editOnly = (await createKey(t, user.accessToken, user.orgId, { name: 'edit', scopes: ['images:edit'] })).secret;
    const edit = { operation: 'images.edit', prompt: 'x', size: '256x256', images: [{ data: white.toString('base64'), mimeType: 'image/png' }] };
    const refused = await post({}, generateOnly).send(edit).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'images:edit' });
    await post({}, editOnly).send(edit).expect(202);
    const refusedGenerate = await post({}, editOnly).send({ operation: 'images.generate', prompt: 'x', size: '256x256' }).expect(403);
    expect(refusedGenerate.body.error.requiredScope).toBe('images:generate');
    await post({}, generateOnly).send({ operation: 'images.generate', prompt: 'x', size: '256x256' }).expect(202);
  });

  it('places a signed-in member in the organisation named by x-org-id, as scoped routes do', async () => {
    const res = await post({ prefer: 'wait=30' }, user.accessToken).set('x-org-id', user.orgId).send({ operation: 'images.generate', prompt: 'session', size: '256x256' }).expect(200);
    expect(res.body.status).toBe('completed');
    const stranger = await signUp(t);
    await post({}, stranger.accessToken).set('x-org-id', user.orgId).send({ operation: 'images.generate', prompt: 'x' }).expect(404);
  });

  it('replays an Idempotency-Key: the same body answers the first response, another body is 422, and nothing is charged twice', async () => {
    const body = { operation: 'images.generate', prompt: 'once only', size: '256x256' };
    const headers = { 'idempotency-key': `jobs-${Date.now()}` };
    const first = await post(headers).send(body).expect(202);
    const balanceAfterFirst = await balance();
    const again = await post(headers).send(body).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await balance()).toBe(balanceAfterFirst);
    const other = await post(headers).send({ ...body, prompt: 'another' }).expect(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const form = { 'idempotency-key': `jobs-form-${Date.now()}` };
    const sent = () => post(form).field('operation', 'images.edit').field('prompt', 'form once').field('size', '256x256').attach('images', white, 'w.png');
    const firstForm = await sent().expect(202);
    const againForm = await sent().expect(202);
    expect(againForm.body.id).toBe(firstForm.body.id);
  });

  it('counts the operation\'s units against the daily quota, and refuses past it', async () => {
    const limited = await startTestApp({}, { plansYaml: plansWithMoreWork().replace('dailyImages: 100', 'dailyImages: 3') });
    try {
      const owner = await signUp(limited);
      const k = (await createKey(limited, owner.accessToken, owner.orgId, { name: 'q', scopes: ALL })).secret;
      await limited.http().post('/api/v1/jobs').set(bearer(k)).send({ operation: 'images.generate', prompt: 'x', size: '256x256', n: 2 }).expect(202);
      const over = await limited.http().post('/api/v1/jobs').set(bearer(k)).send({ operation: 'images.generate', prompt: 'x', size: '256x256', n: 2 }).expect(429);
      expect(over.body.error.code).toBe('daily_limit_reached');
    } finally {
      await limited.close();
    }
  });
});

/** A checkpoint lives on the job row: saved only by the run that holds the job, and handed to the next run's claim. */
describe('job checkpoints in the database', () => {
  let t: TestApp;
  // No worker in this process: the job stays queued until the test claims it.
  beforeAll(async () => (t = await startTestApp({ PROCESS_ROLE: 'api' })));
  afterAll(() => t.close());

  it('saves the checkpoint of the run holding the job, refuses a stale run\'s, and returns it with the next claim', async () => {
    const owner = await signUp(t);
    const k = (await createKey(t, owner.accessToken, owner.orgId, { name: 'c', scopes: ALL })).secret;
    const { id } = (await t.http().post('/api/v1/jobs').set(bearer(k)).send({ operation: 'images.generate', prompt: 'x', size: '256x256' }).expect(202)).body;
    const queue = t.app.get(JobQueueRepository);
    const jobs = t.app.get(JobsRepository);
    const claim = (now: Date) => queue.claim({ orgId: owner.orgId, ids: [id], maxRunning: 2, maxAttempts: 3, now, leaseUntil: new Date(now.getTime() + 1000) });
    const [first] = await claim(new Date());
    expect(first.checkpoint).toBeNull();
    expect(await jobs.saveCheckpoint(first, 'prediction-7')).toBe(true);
    // The first run's lease runs out (its worker died): another run claims the job.
    const [second] = await claim(new Date(Date.now() + 5000));
    expect(second).toMatchObject({ id, attempts: 2, checkpoint: 'prediction-7' });
    expect(await jobs.saveCheckpoint(first, 'from-the-dead')).toBe(false);
    expect((await jobs.getById(id))!.checkpoint).toBe('prediction-7');
  });
});
