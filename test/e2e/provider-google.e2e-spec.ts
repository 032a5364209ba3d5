import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOGLE_KEY, startGoogleFake, type GoogleFake } from '../../plugins/providers/google/fake';
import { bearer, settledCredits } from '../support/accounts';
import { sizeOf, startProviderApp, type ProviderApp } from '../support/provider-app';
import type { TestApp } from '../support/test-app';

/** Gemini 2.5 Flash Image, the google id's default model: 4 credits an image. */
const MODEL = 'gemini-2.5-flash-image';
const PRICE = 4;

describe('the google plugin through the REST API and the OpenAI-compatible endpoint, against its fake', () => {
  let fake: GoogleFake;
  let t: TestApp;
  let key: string;
  let client: OpenAI;
  let credits: ProviderApp['credits'], download: ProviderApp['download'], finished: ProviderApp['finished'];

  beforeAll(async () => {
    fake = await startGoogleFake();
    ({ t, key, client, credits, download, finished } = await startProviderApp({
      providers: [{ id: 'google', options: { baseUrl: fake.url }, credentials: { apiKey: GOOGLE_KEY } }],
      plan: 'pro', credits: 900, label: 'google', scopes: ['images:generate', 'images:edit', 'images:read', 'jobs:read', 'credits:read', 'providers:read'], listen: true,
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const post = (path: string, body: Record<string, unknown>) => t.http().post(path).set(bearer(key)).send(body);

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
