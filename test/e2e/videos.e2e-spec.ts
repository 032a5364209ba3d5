import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, uniqueEmail, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SCOPES = ['videos:generate', 'jobs:read', 'credits:read', 'images:generate'];

describe('video generation (POST /api/v1/videos/generations) with aura, offline', () => {
  let t: TestApp;
  let operator: TestUser;
  let key: string;
  let freeKey: string;

  const toPlan = (orgId: string, plan: string) => t.http().patch(`/api/v1/admin/orgs/${orgId}`).set(bearer(operator.accessToken)).send({ plan }).expect(200);
  const post = (body: object, k = key) => t.http().post('/api/v1/videos/generations').set(bearer(k)).send(body);
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body as { creditsBalance: number; reserved: number };
  const finished = async (id: string) => {
    let job = (await t.http().get(`/api/v1/jobs/${id}`).set(bearer(key)).expect(200)).body;
    for (let i = 0; i < 300 && ['queued', 'processing'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await t.http().get(`/api/v1/jobs/${id}`).set(bearer(key)).expect(200)).body;
    }
    return job;
  };
  const download = async (url: string) => {
    const res = await t.http().get(new URL(url).pathname).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    return { type: res.headers['content-type'], data: res.body as Buffer };
  };

  beforeAll(async () => {
    const operatorEmail = uniqueEmail('operator');
    t = await startTestApp({ ADMIN_EMAILS: operatorEmail }, { plansYaml: plansWithMoreWork() });
    operator = await signUp(t, { email: operatorEmail });
    const owner = await signUp(t);
    await toPlan(owner.orgId, 'enterprise');
    key = (await createKey(t, owner.accessToken, owner.orgId, { name: 'video', scopes: SCOPES })).secret;
    const free = await signUp(t);
    freeKey = (await createKey(t, free.accessToken, free.orgId, { name: 'free', scopes: SCOPES })).secret;
  }, 60_000);
  afterAll(() => t?.close());

  it('answers 202 at once, even when asked to wait, and the job completes with an animated WebP of the asked size and length, charged as quoted', async () => {
    const body = { prompt: 'a calm ocean at sunset', size: '512x512', durationSeconds: 2, seed: 7, metadata: { shot: 'one' } };
    const quoted = await t.http().post('/api/v1/quotes').set(bearer(key)).send({ operation: 'videos.generate', ...body }).expect(200);
    expect(quoted.body.items).toEqual([{ operation: 'videos.generate', credits: 4, reason: 'a 2 s video with aura/aura-motion', route: { provider: 'aura', model: 'aura-motion' } }]);
    const before = await credits();
    const accepted = await post(body).set({ prefer: 'wait=30' }).expect(202);
    expect(accepted.body).toMatchObject({ status: 'queued', creditsBalance: before.creditsBalance - quoted.body.credits });
    const job = await finished(accepted.body.id);
    expect(job).toMatchObject({ type: 'videos.generate', status: 'completed', cost: quoted.body.credits, metadata: { shot: 'one' } });
    expect(job.outputs).toEqual([{ id: expect.any(String), url: expect.stringMatching(/\/api\/v1\/videos\/files\/[\w-]+\.[\w-]+\.webp$/), mimeType: 'image/webp', width: 512, height: 512, durationSeconds: 2, bytes: expect.any(Number) }]);
    expect(await credits()).toEqual({ ...before, creditsBalance: before.creditsBalance - quoted.body.credits, reserved: 0 });

    const file = await download(job.outputs[0].url);
    expect(file.type).toBe('image/webp');
    expect(file.data.length).toBe(job.outputs[0].bytes);
    const meta = await sharp(file.data, { animated: true }).metadata();
    expect({ format: meta.format, width: meta.width, pageHeight: meta.pageHeight, pages: meta.pages }).toEqual({ format: 'webp', width: 512, pageHeight: 512, pages: 20 });

    const video = await t.http().get(`/api/v1/videos/${job.outputs[0].id}`).set(bearer(key)).expect(200);
    expect(video.body).toMatchObject({ id: job.outputs[0].id, jobId: job.id, mimeType: 'image/webp', durationSeconds: 2, prompt: body.prompt, provider: 'aura', model: 'aura-motion' });
  });

  it("defaults to the model's length and a 16:9 size, and animates a first frame given as base64", async () => {
    const frame = (await sharp({ create: { width: 64, height: 36, channels: 3, background: '#3366cc' } }).png().toBuffer()).toString('base64');
    const accepted = await post({ prompt: 'waves', image: { data: frame } }).expect(202);
    const job = await finished(accepted.body.id);
    expect(job.outputs[0]).toMatchObject({ width: 768, height: 432, durationSeconds: 2 });
  });

  it('goes through POST /api/v1/jobs as any operation', async () => {
    const accepted = await t.http().post('/api/v1/jobs').set(bearer(key)).send({ operation: 'videos.generate', prompt: 'fog', aspectRatio: '9:16', durationSeconds: 1 }).expect(202);
    expect((await finished(accepted.body.id)).outputs[0]).toMatchObject({ width: 432, height: 768, durationSeconds: 1 });
  });

  it('refuses the free and pro plans, which do not include video, with plan_limit', async () => {
    const res = await post({ prompt: 'waves' }, freeKey).expect(403);
    expect(res.body.error).toMatchObject({ code: 'plan_limit', message: 'The Free plan does not include video', feature: 'video' });
    const pro = await signUp(t);
    await toPlan(pro.orgId, 'pro');
    const proKey = (await createKey(t, pro.accessToken, pro.orgId, { name: 'pro', scopes: SCOPES })).secret;
    expect((await post({ prompt: 'waves' }, proKey).expect(403)).body.error).toMatchObject({ code: 'plan_limit', message: 'The Pro plan does not include video' });
  });

  it('refuses an unknown model, a size or length the model lacks, and a bad first frame, before anything is charged', async () => {
    const before = await credits();
    expect((await post({ prompt: 'x', model: 'sora' }).expect(400)).body.error).toMatchObject({ code: 'invalid_model', message: 'Unknown model "sora" for aura' });
    expect((await post({ prompt: 'x', model: 'aura' }).expect(400)).body.error).toMatchObject({ code: 'invalid_model', message: 'The model "aura" of aura cannot video' });
    const size = (await post({ prompt: 'x', size: '1024x1024' }).expect(400)).body.error;
    expect(size).toMatchObject({ code: 'invalid_model', fields: [{ field: 'size', messages: ['size must be one of: 512x512, 768x432, 432x768'] }], sizes: ['512x512', '768x432', '432x768'] });
    const length = (await post({ prompt: 'x', durationSeconds: 10 }).expect(400)).body.error;
    expect(length).toMatchObject({ code: 'validation_failed', fields: [{ field: 'durationSeconds', messages: ['durationSeconds must be one of: 1, 2, 3, 4, 5, 6'] }] });
    expect((await post({ prompt: 'x', durationSeconds: 60 }).expect(400)).body.error.code).toBe('validation_failed');
    expect((await post({ prompt: 'x', image: { data: Buffer.from('not an image').toString('base64') } }).expect(422)).body.error.code).toBe('unprocessable_image');
    expect(await credits()).toEqual(before);
  });

  it('needs videos:generate to create, and jobs:read to read a video', async () => {
    const owner = await signUp(t);
    await toPlan(owner.orgId, 'enterprise');
    const reader = (await createKey(t, owner.accessToken, owner.orgId, { name: 'r', scopes: ['images:generate'] })).secret;
    const res = await post({ prompt: 'x' }, reader).expect(403);
    expect(res.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'videos:generate' });
    expect((await t.http().get('/api/v1/videos/00000000-0000-7000-8000-000000000000').set(bearer(reader)).expect(403)).body.error.requiredScope).toBe('jobs:read');
  });

  it("answers 404 for another organisation's video and for a forged link", async () => {
    const accepted = await post({ prompt: 'mist', durationSeconds: 1, size: '512x512' }).expect(202);
    const job = await finished(accepted.body.id);
    const other = await signUp(t);
    const otherKey = (await createKey(t, other.accessToken, other.orgId, { name: 'o', scopes: ['jobs:read'] })).secret;
    await t.http().get(`/api/v1/videos/${job.outputs[0].id}`).set(bearer(otherKey)).expect(404);
    await t.http().get('/api/v1/videos/files/bm90LWEtdG9rZW4.forged').expect(404);
  });
});

describe('video retention', () => {
  it('purges videos older than IMAGE_RETENTION_DAYS, with their files', async () => {
    const operatorEmail = uniqueEmail('operator');
    const t = await startTestApp({ IMAGE_RETENTION_DAYS: '7', ADMIN_EMAILS: operatorEmail });
    try {
      const operator = await signUp(t, { email: operatorEmail });
      const user = await signUp(t);
      await t.http().patch(`/api/v1/admin/orgs/${user.orgId}`).set(bearer(operator.accessToken)).send({ plan: 'enterprise' }).expect(200);
      const key = (await createKey(t, user.accessToken, user.orgId, { name: 'r', scopes: SCOPES })).secret;
      const accepted = await t.http().post('/api/v1/videos/generations').set(bearer(key)).send({ prompt: 'old', size: '512x512', durationSeconds: 1 }).expect(202);
      let job = (await t.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(key)).expect(200)).body;
      for (let i = 0; i < 300 && job.status !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = (await t.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(key)).expect(200)).body;
      }
      const { VideoRetentionTask } = await import('../../src/videos/video-retention.task');
      const task = t.app.get(VideoRetentionTask);
      expect(await task.purge(new Date(Date.now() + 6 * 86_400_000))).toBe(0);
      expect(await task.purge(new Date(Date.now() + 8 * 86_400_000))).toBe(1);
      await t.http().get(`/api/v1/videos/${job.outputs[0].id}`).set(bearer(key)).expect(404);
      await t.http().get(new URL(job.outputs[0].url).pathname).expect(404);
    } finally {
      await t.close();
    }
  });
});
