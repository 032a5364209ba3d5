import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOGLE_KEY, startGoogleFake, type GoogleFake } from '../../plugins/providers/google/fake';
import { bearer, createKey, settledCredits, signUp, uniqueEmail } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** A CONFIG_DIR listing aura and google, pointed at its fake with the platform's key, and a pro plan that allows plenty of work a minute. */
function configDir(fake: GoogleFake): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-google-'));
  writeFileSync(join(dir, 'default.yaml'), `plugins:
  providers:
    - aura
    - { id: google, options: { baseUrl: "${fake.url}" }, credentials: { apiKey: "${GOOGLE_KEY}" } }
`);
  writeFileSync(join(dir, 'plans.yaml'), readFileSync('config/plans.yaml', 'utf8').replace('workPerMinute: 20', 'workPerMinute: 1000'));
  return dir;
}

/** Gemini 2.5 Flash Image, the google id's default model: 4 credits an image. */
const MODEL = 'gemini-2.5-flash-image';
const PRICE = 4;

describe('the google plugin through the REST API and the OpenAI-compatible endpoint, against its fake', () => {
  let fake: GoogleFake;
  let t: TestApp;
  let key: string;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startGoogleFake();
    const operatorEmail = uniqueEmail('operator');
    t = await startTestApp({ CONFIG_DIR: configDir(fake), ADMIN_EMAILS: operatorEmail });
    await t.app.listen(0, '127.0.0.1');
    const operator = await signUp(t, { email: operatorEmail });
    const owner = await signUp(t);
    await t.http().patch(`/api/v1/admin/orgs/${owner.orgId}`).set(bearer(operator.accessToken)).send({ plan: 'pro' }).expect(200);
    await t.http().post(`/api/v1/admin/orgs/${owner.orgId}/credits`).set(bearer(operator.accessToken)).send({ amount: 900, reason: 'provider tests' }).expect(201);
    key = (await createKey(t, owner.accessToken, owner.orgId, { name: 'google', scopes: ['images:generate', 'images:edit', 'images:read', 'jobs:read', 'credits:read', 'providers:read'] })).secret;
    const { port } = t.app.getHttpServer().address() as { port: number };
    client = new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const post = (path: string, body: Record<string, unknown>) => t.http().post(path).set(bearer(key)).send(body);
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body as { creditsBalance: number; reserved: number };
  const download = async (url: string): Promise<Buffer> => {
    const res = await t.http().get(new URL(url).pathname + new URL(url).search).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    return res.body as Buffer;
  };
  const sizeOf = async (image: Buffer) => {
    const { width, height, format } = await sharp(image).metadata();
    return { width, height, format };
  };
  async function finished(jobId: string, timeoutMs = 30_000) {
    for (const started = Date.now(); Date.now() - started < timeoutMs;) {
      const job = (await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body;
      if (!['queued', 'processing'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
  }

  it('lists google with its Gemini model, sizes and price, checked with the platform key', async () => {
    const res = await t.http().get('/api/v1/providers').set(bearer(key)).expect(200);
    const google = res.body.data.find((p: { id: string }) => p.id === 'google');
    expect(google).toMatchObject({ status: 'healthy', byok: true, pricing: { generate: PRICE, edit: PRICE }, models: [{ id: MODEL, sizes: ['1024x1024', '864x1184', '1184x864', '768x1344', '1344x768'] }] });
    expect(fake.requests.some((r) => r.method === 'GET' && r.url.startsWith('/v1beta/models'))).toBe(true);
  });

  it('generates through POST /api/v1/images/generations: images of the asked size and format, charged the model price', async () => {
    const before = await credits();
    const res = await post('/api/v1/images/generations', { prompt: 'a teal teapot on oak', provider: 'google', model: MODEL, size: '1344x768', format: 'webp', n: 2 }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 2 * PRICE });
    expect(job.outputs).toHaveLength(2);
    for (const output of job.outputs) expect(await sizeOf(await download(output.url))).toEqual({ width: 1344, height: 768, format: 'webp' });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'generateContent', model: MODEL, body: { generationConfig: { imageConfig: { aspectRatio: '16:9' } } } });
    const image = (await t.http().get(`/api/v1/images/${job.outputs[0].id}`).set(bearer(key)).expect(200)).body;
    expect(image).toMatchObject({ provider: 'google', model: MODEL });
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 2 * PRICE, reserved: 0 });
  }, 30_000);

  it('answers POST /v1/images/generations naming the Gemini model id, to the official openai SDK', async () => {
    const calls = fake.calls.length;
    const answer = (await client.images.generate({ model: MODEL, prompt: 'a lighthouse', size: '1024x1024', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(await sizeOf(Buffer.from(answer.data![0].b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024, format: 'png' });
    expect(fake.calls.slice(calls)).toMatchObject([{ method: 'generateContent', model: MODEL, body: { generationConfig: { imageConfig: { aspectRatio: '1:1' } } } }]);
  }, 30_000);

  it('edits a source image through POST /api/v1/images/edits, sending it inline with the instruction', async () => {
    const before = await credits();
    const source = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const res = await post('/api/v1/images/edits', { prompt: 'make it blue', provider: 'google', model: MODEL, size: '864x1184', format: 'png', images: [{ data: source.toString('base64'), mimeType: 'image/png' }] }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: PRICE });
    expect(await sizeOf(await download(job.outputs[0].url))).toEqual({ width: 864, height: 1184, format: 'png' });
    const parts = (fake.calls.at(-1)!.body.contents as Array<{ parts: Array<Record<string, unknown>> }>)[0].parts;
    expect(parts).toEqual([{ inlineData: { mimeType: 'image/png', data: expect.any(String) } }, { text: 'make it blue' }]);
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - PRICE, reserved: 0 });
  }, 30_000);

  it('fails the job with content_rejected when Gemini answers IMAGE_SAFETY, without a retry, and releases its credits', async () => {
    const before = await credits();
    fake.failNextWith('image_safety');
    const calls = fake.calls.length;
    const res = await post('/api/v1/images/generations', { prompt: 'a refused request', provider: 'google', model: MODEL, size: '1024x1024' }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'content_rejected' }, cost: 0 });
    expect(fake.calls.length - calls).toBe(1);
    await settledCredits(t, key, before);
  }, 30_000);
});
