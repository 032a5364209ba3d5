import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIoU, renderProductFixture } from '../../src/studio/testing/fixtures';
import { bearer, createKey, settledCredits, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STEP_NAMES = (steps: { name: string; ms: number }[]) => steps.map((s) => s.name);

describe('the studio operations', () => {
  let t: TestApp;
  let key: string;
  let photo: Buffer;
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body;
  const jobsOf = async () => (await t.http().get('/api/v1/jobs?limit=100').set(bearer(key)).expect(200)).body.data as { id: string }[];
  const download = async (url: string) => (await t.http().get(new URL(url).pathname + new URL(url).search).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  }).expect(200)).body as Buffer;

  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'studio', scopes: ['studio:process', 'jobs:read', 'credits:read', 'images:read'] })).secret;
    photo = (await renderProductFixture({ object: 'bottle', backdrop: 'grey', width: 480, height: 360, shadow: true })).image;
  });
  afterAll(() => t.close());

  it('processes a photo sent as a form to an Amazon main image: white, 2000 px square, filled, with its passing report, and charges one credit', async () => {
    const res = await t.http().post('/api/v1/process').set(bearer(key)).field('preset', 'amazon-main').field('presetLabel', 'hero').attach('image', photo, 'bottle.png').expect(200);
    expect(res.body).toMatchObject({ width: 2000, height: 2000, format: 'jpeg', cost: 1, creditsBalance: 99, presetLabel: 'hero' });
    expect(STEP_NAMES(res.body.steps)).toEqual(expect.arrayContaining(['decode', 'removeBackground', 'reframe', 'encode', 'compliance']));
    expect(res.body.compliance).toHaveLength(1);
    expect(res.body.compliance[0]).toMatchObject({ slot: 'amazon-main', pass: true });
    const image = await download(res.body.url);
    expect(await sharp(image).metadata()).toMatchObject({ format: 'jpeg', width: 2000, height: 2000 });
    const job = (await t.http().get(`/api/v1/jobs/${res.body.jobId}`).set(bearer(key)).expect(200)).body;
    expect(job).toMatchObject({ type: 'process', status: 'completed', cost: 1, outputs: [{ id: res.body.imageId }] });
    expect(job.report.compliance[0].pass).toBe(true);
  }, 60_000);

  it('runs the seed example: POST /api/v1/jobs with operation=process as a form, then the job carries the image and its steps', async () => {
    const accepted = await t.http().post('/api/v1/jobs').set(bearer(key))
      .attach('image', photo, 'shoe.png').field('operation', 'process').field('width', '800').field('height', '800').field('margin', '0.08').field('format', 'png')
      .expect(202);
    let job = accepted.body;
    for (let i = 0; i < 200 && !['completed', 'failed'].includes(job.status); i++) {
      await sleep(100);
      job = (await t.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(key)).expect(200)).body;
    }
    expect(job).toMatchObject({ status: 'completed', type: 'process', outputs: [{ width: 800, height: 800, format: 'png' }] });
    expect(STEP_NAMES(job.report.steps)).toContain('removeBackground');
  }, 60_000);

  it('checks, then fixes, an image for a slot: the source fails, the fixed image passes every fixable rule', async () => {
    const res = await t.http().post('/api/v1/compliance').set(bearer(key)).send({ image: { data: photo.toString('base64') }, slots: ['amazon-main'], fix: true }).expect(200);
    expect(res.body.reports[0].pass).toBe(false);
    expect(res.body.fixed).toMatchObject({ width: 2000, height: 2000, cost: 1 });
    const fixable = res.body.fixed.compliance[0].rules.filter((r: { fixable: boolean }) => r.fixable);
    expect(fixable.filter((r: { pass: boolean }) => !r.pass)).toEqual([]);
  }, 60_000);

  it('removes a backdrop into a PNG cut-out with alpha, or its mask', async () => {
    const cut = await t.http().post('/api/v1/backgrounds/remove').set(bearer(key)).send({ image: { data: photo.toString('base64') }, mode: 'backdrop' }).expect(200);
    expect(cut.body).toMatchObject({ format: 'png', width: 480, height: 360 });
    expect(await sharp(await download(cut.body.url)).metadata()).toMatchObject({ channels: 4, hasAlpha: true });
    const mask = await t.http().post('/api/v1/backgrounds/remove').set(bearer(key)).send({ image: { data: photo.toString('base64') }, mode: 'backdrop', output: 'mask' }).expect(200);
    expect((await sharp(await download(mask.body.url)).metadata()).channels).toBe(1);
  }, 60_000);

  it('cuts a product off a textured cloth with the segmentation model (auto picks it), through the worker thread', async () => {
    const cloth = await renderProductFixture({ object: 'shoe', backdrop: 'texture', width: 480, height: 360 });
    const res = await t.http().post('/api/v1/backgrounds/remove').set(bearer(key)).send({ image: { data: cloth.image.toString('base64') }, output: 'mask' }).expect(200);
    const mask = await sharp(await download(res.body.url)).extractChannel(0).raw().toBuffer();
    expect(maskIoU(new Uint8Array(mask), cloth.mask)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('places the product on a drawn backdrop, and on one generated from a prompt', async () => {
    const drawn = await t.http().post('/api/v1/backgrounds/generate').set(bearer(key)).send({ image: { data: photo.toString('base64') }, preset: 'studio-sweep', width: 600, height: 600 }).expect(200);
    expect(drawn.body).toMatchObject({ width: 600, height: 600, format: 'jpeg', cost: 2 });
    const generated = await t.http().post('/api/v1/backgrounds/generate').set(bearer(key)).send({ image: { data: photo.toString('base64') }, prompt: 'a marble counter', format: 'png' }).expect(200);
    expect(generated.body).toMatchObject({ width: 480, height: 360, format: 'png' });
    expect(STEP_NAMES(generated.body.steps)).toEqual(expect.arrayContaining(['generateBackground', 'background', 'composite']));
  }, 60_000);

  it('casts a shadow and relights, and upscales 2x', async () => {
    const lit = await t.http().post('/api/v1/relight/shadow').set(bearer(key)).field('shadow', 'drop').field('direction', '45').field('exposure', '0.5').attach('image', photo, 'bottle.png').expect(200);
    expect(lit.body).toMatchObject({ width: 480, height: 360, format: 'png' });
    const up = await t.http().post('/api/v1/upscale').set(bearer(key)).send({ image: { imageId: lit.body.imageId }, factor: 2 }).expect(200);
    expect(up.body).toMatchObject({ width: 960, height: 720, format: 'png' });
  }, 60_000);

  it('runs a batch of studio items as one parent job with a child each', async () => {
    const data = photo.toString('base64');
    const res = await t.http().post('/api/v1/jobs').set(bearer(key)).send({
      items: [
        { operation: 'process', image: { data }, width: 400, height: 400 },
        { operation: 'backgrounds.remove', image: { data }, mode: 'backdrop' },
        { operation: 'compliance', image: { data }, slots: ['shopify-product'] },
      ],
    }).expect(202);
    let batch = res.body;
    for (let i = 0; i < 300 && batch.status !== 'completed'; i++) {
      await sleep(100);
      batch = (await t.http().get(`/api/v1/jobs/${res.body.id}`).set(bearer(key)).expect(200)).body;
    }
    expect(batch).toMatchObject({ status: 'completed', progress: { done: 3, total: 3 }, summary: { completed: 3, failed: 0, canceled: 0 } });
    const check = (await t.http().get(`/api/v1/jobs/${batch.children[2].id}`).set(bearer(key)).expect(200)).body;
    expect(check).toMatchObject({ type: 'compliance', cost: 0, outputs: [] });
    expect(check.report.compliance[0].slot).toBe('shopify-product');
  }, 60_000);

  it('replays an Idempotency-Key: one job, one charge', async () => {
    const before = (await credits()).creditsBalance;
    const send = () => t.http().post('/api/v1/upscale').set({ ...bearer(key), 'idempotency-key': 'studio-once' }).send({ image: { data: photo.toString('base64') } }).expect(200);
    const [first, second] = [await send(), await send()];
    expect(second.body.jobId).toBe(first.body.jobId);
    await settledCredits(t, key, { creditsBalance: before - 1, reserved: 0 });
  }, 60_000);

  it('fails a job whose image has no subject as unprocessable_image, charging nothing', async () => {
    const blank = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#f0f0f0' } }).png().toBuffer();
    const before = (await credits()).creditsBalance;
    const res = await t.http().post('/api/v1/process').set(bearer(key)).send({ image: { data: blank.toString('base64') }, removeBackground: 'backdrop' }).expect(422);
    expect(res.body.error).toMatchObject({ code: 'unprocessable_image', message: expect.stringMatching(/No subject was found/), jobId: expect.any(String) });
    await settledCredits(t, key, { creditsBalance: before, reserved: 0 });
  }, 60_000);
});

describe('the studio refuses bad input before anything is stored, queued or charged', () => {
  let t: TestApp;
  let key: string;
  const small = plansWithMoreWork().replace('maxConcurrentJobs: 2', 'maxConcurrentJobs: 2\n    maxSourceBytes: 200000\n    maxSourcePixels: 1000000');

  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: small });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'studio', scopes: ['studio:process', 'jobs:read', 'credits:read'] })).secret;
  });
  afterAll(() => t.close());

  const refused = async (body: Record<string, unknown>, status: number, code: string, message: RegExp, path = '/api/v1/process') => {
    const res = await t.http().post(path).set(bearer(key)).send(body).expect(status);
    expect(res.body.error).toMatchObject({ code, message: expect.stringMatching(message) });
  };
  const b64 = (bytes: Buffer) => ({ data: bytes.toString('base64') });

  it.each([
    ['bytes over the plan', async () => b64(Buffer.alloc(300_000, 1)), 413, 'payload_too_large', /over 0\.2 MB/],
    ['pixels over the plan, read from the header', async () => b64(await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#fff' } }).png({ compressionLevel: 9 }).toBuffer()), 413, 'payload_too_large', /1200x1000, over the Free plan's 1 megapixels/],
    ['SVG', async () => b64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>')), 422, 'unprocessable_image', /is in SVG format/],
    ['a truncated JPEG', async () => b64((await sharp({ create: { width: 400, height: 400, channels: 3, background: '#39f' } }).jpeg().toBuffer()).subarray(0, 600)), 422, 'unprocessable_image', /cut short or corrupt/],
    ['text', async () => b64(Buffer.from('not an image at all')), 422, 'unprocessable_image', /not an image we can read/],
    ['no source', async () => ({}), 400, 'validation_failed', /exactly one of data/],
    ['two sources', async () => ({ data: 'AAAA', url: 'https://example.com/a.jpg' }), 400, 'validation_failed', /exactly one of data/],
    ['a private URL', async () => ({ url: 'http://127.0.0.1/a.jpg' }), 400, 'url_not_allowed', /./],
  ])('%s', async (_, image, status, code, message) => {
    await refused({ image: await image() }, status, code, message);
  });

  it('refuses a canvas over the plan, a transparent JPEG and an unknown preset', async () => {
    const image = { data: (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toBuffer()).toString('base64') };
    await refused({ image, width: 2000, height: 2000 }, 413, 'payload_too_large', /2000x2000/);
    await refused({ image, background: 'transparent' }, 400, 'validation_failed', /JPEG has no alpha/);
    await refused({ image, preset: 'amazon-hero' }, 400, 'validation_failed', /no marketplace has a slot "amazon-hero"/);
    await refused({ image, margin: 0.6 }, 400, 'validation_failed', /margin must be/);
    await refused({ image, factor: 3 }, 400, 'validation_failed', /factor/, '/api/v1/upscale');
  });

  it('left no job and took no credit', async () => {
    expect((await t.http().get('/api/v1/jobs').set(bearer(key)).expect(200)).body.data).toEqual([]);
    expect((await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body).toEqual({ creditsBalance: 100, reserved: 0 });
  });
});
