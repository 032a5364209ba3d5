import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SCOPES = ['images:generate', 'images:read', 'jobs:read', 'jobs:cancel', 'credits:read'];

describe('image generation', () => {
  let t: TestApp;
  let user: TestUser;
  let key: string;
  beforeAll(async () => {
    // The free plan's 5 work requests a minute would throttle this suite; throttling has its own.
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'gen', scopes: SCOPES })).secret;
  });
  afterAll(() => t.close());

  const generate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.http().post('/api/v1/images/generations').set({ ...bearer(key), ...headers }).send(body);
  const path = (url: string) => new URL(url).pathname;

  async function finished(jobId: string) {
    for (let i = 0; i < 200; i++) {
      const res = await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200);
      if (!['queued', 'processing'].includes(res.body.status)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('job did not finish');
  }

  it('accepts a generation, runs it, charges it and serves the image through a signed link', async () => {
    const res = await generate({ prompt: 'a calm teal ocean', size: '256x256', style: 'watercolor', seed: 11, metadata: { sku: 'A-1' } }).expect(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued', estimatedTime: expect.any(Number), creditsBalance: 99 });
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', cost: 1, error: null, metadata: { sku: 'A-1' }, outputs: [{ width: 256, height: 256, format: 'png', bytes: expect.any(Number) }] });
    const file = await t.http().get(path(job.outputs[0].url)).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(Number(file.headers['content-length'])).toBe(job.outputs[0].bytes);
    expect(file.headers.etag).toBe(`"${job.outputs[0].id}"`);
    expect(file.headers['cache-control']).toMatch(/private, max-age=\d+/);
    expect((await sharp(file.body as Buffer).metadata()).width).toBe(256);
    await t.http().get(path(job.outputs[0].url)).set('if-none-match', file.headers.etag).expect(304);
    await t.http().get('/api/v1/credits').set(bearer(key)).expect(200, { creditsBalance: 99, reserved: 0 });
  });

  it('stores files encrypted at rest', async () => {
    const res = await generate({ prompt: 'gold', size: '256x256' }, { prefer: 'wait=30' }).expect(200);
    const image = await t.http().get(`/api/v1/images/${res.body.outputs[0].id}`).set(bearer(key)).expect(200);
    const stored = readFileSync(`${t.config.dataDir}/files/images/${user.orgId}/${image.body.jobId}-1-0`);
    expect(stored.subarray(0, 4).toString()).toBe('DRK1');
    expect(stored.includes(Buffer.from('IHDR'))).toBe(false);
  });

  it('answers 200 with the finished job under Prefer: wait, and gives the same bytes for the same seed', async () => {
    const a = await generate({ prompt: 'purple dreamy', size: '256x256', seed: 5, n: 2 }, { prefer: 'wait=30' }).expect(200);
    expect(a.headers['preference-applied']).toBe('wait=30');
    expect(a.body.outputs).toHaveLength(2);
    const b = await generate({ prompt: 'purple dreamy', size: '256x256', seed: 5 }, { prefer: 'wait=30' }).expect(200);
    const bytes = async (url: string) => (await t.http().get(path(url)).buffer(true).parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); })).body as Buffer;
    expect((await bytes(a.body.outputs[0].url)).equals(await bytes(b.body.outputs[0].url))).toBe(true);
  });

  it('refuses what the provider or the plan does not allow', async () => {
    const tooBig = await generate({ prompt: 'x', size: '2048x2048' }).expect(403);
    expect(tooBig.body.error).toMatchObject({ code: 'plan_limit', maxWidth: 1024, maxHeight: 1024 });
    const model = await generate({ prompt: 'x', model: 'dall-e-9' }).expect(400);
    expect(model.body.error).toMatchObject({ code: 'invalid_model', available: ['aura/aura'] });
    expect((await generate({ prompt: 'x', style: 'baroque' }).expect(400)).body.error.fields[0].field).toBe('style');
    expect((await generate({ prompt: 'x', size: '333x333' }).expect(400)).body.error.fields[0].field).toBe('size');
    expect((await generate({ prompt: '' }).expect(400)).body.error.code).toBe('validation_failed');
    expect((await generate({ prompt: 'x', n: 5 }).expect(400)).body.error.code).toBe('validation_failed');
  });

  it('lists the gallery newest first with a total, and deletes images and their links', async () => {
    const list = await t.http().get('/api/v1/images?limit=2').set(bearer(key)).expect(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.total).toBeGreaterThanOrEqual(5);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const [first] = list.body.data;
    await t.http().delete(`/api/v1/images/${first.id}`).set(bearer(key)).expect(204);
    await t.http().get(`/api/v1/images/${first.id}`).set(bearer(key)).expect(404);
    await t.http().get(path(first.url)).expect(404);
  });

  it('lists jobs with filters and refuses to cancel a finished one', async () => {
    const jobs = await t.http().get('/api/v1/jobs?status=completed&type=images.generate').set(bearer(key)).expect(200);
    expect(jobs.body.data.every((j: { status: string }) => j.status === 'completed')).toBe(true);
    const res = await t.http().post(`/api/v1/jobs/${jobs.body.data[0].id}/cancel`).set(bearer(key)).expect(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it("answers 404 for another organisation's job, image and a forged link", async () => {
    const other = await signUp(t);
    const otherKey = (await createKey(t, other.accessToken, other.orgId, { name: 'o', scopes: SCOPES })).secret;
    const mine = await t.http().get('/api/v1/images?limit=1').set(bearer(key)).expect(200);
    const image = mine.body.data[0];
    await t.http().get(`/api/v1/images/${image.id}`).set(bearer(otherKey)).expect(404);
    await t.http().get(`/api/v1/jobs/${image.jobId}`).set(bearer(otherKey)).expect(404);
    await t.http().post(`/api/v1/jobs/${image.jobId}/cancel`).set(bearer(otherKey)).expect(404);
    await t.http().delete(`/api/v1/images/${image.id}`).set(bearer(otherKey)).expect(404);
    const token = path(image.url).split('/').pop()!;
    const forged = `${Buffer.from(`${image.id}.9999999999`).toString('base64url')}.${token.split('.')[1]}`;
    await t.http().get(`/api/v1/files/${forged}`).expect(404);
  });
});

describe('image generation on a small balance', () => {
  it('answers 402 with what is needed and what is left', async () => {
    const plans = readFileSync('config/plans.yaml', 'utf8').replace('startingCredits: 100', 'startingCredits: 2');
    const t = await startTestApp({}, { plansYaml: plans });
    try {
      const user = await signUp(t);
      const key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: SCOPES })).secret;
      const res = await t.http().post('/api/v1/images/generations').set(bearer(key)).send({ prompt: 'x', size: '256x256', n: 4 }).expect(402);
      expect(res.body.error).toMatchObject({ code: 'insufficient_credits', creditsNeeded: 4, creditsBalance: 2 });
      const jobs = await t.http().get('/api/v1/jobs').set(bearer(key)).expect(200);
      expect(jobs.body.data).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('image retention', () => {
  it('purges images older than IMAGE_RETENTION_DAYS, with their files', async () => {
    const t = await startTestApp({ IMAGE_RETENTION_DAYS: '7' });
    try {
      const user = await signUp(t);
      const key = (await createKey(t, user.accessToken, user.orgId, { name: 'r', scopes: SCOPES })).secret;
      const job = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'old', size: '256x256' }).expect(200);
      const id = job.body.outputs[0].id;
      const { RetentionTask } = await import('../../src/images/retention.task');
      const task = t.app.get(RetentionTask);
      expect(await task.purge(new Date(Date.now() + 6 * 86_400_000))).toBe(0);
      expect(await task.purge(new Date(Date.now() + 8 * 86_400_000))).toBe(1);
      await t.http().get(`/api/v1/images/${id}`).set(bearer(key)).expect(404);
      await t.http().get(new URL(job.body.outputs[0].url).pathname).expect(404);
    } finally {
      await t.close();
    }
  });
});
