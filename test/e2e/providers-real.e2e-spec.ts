import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderErrorKind } from '../../src/plugins';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { REPLICATE_ERRORS, REPLICATE_TOKEN, startReplicateFake, type ReplicateFake } from '../../plugins/providers/replicate/fake';
import { STABILITY_FAILURES, STABILITY_KEY, startStabilityFake, type StabilityFake } from '../../plugins/providers/stability/fake';
import { bearer, settledCredits } from '../support/accounts';
import { sizeOf, startProviderApp, type ProviderApp } from '../support/provider-app';
import type { TestApp } from '../support/test-app';

interface Fakes {
  openai: OpenAIFake;
  stability: StabilityFake;
  replicate: ReplicateFake;
}

const STARTING_CREDITS = 1000;

/** What each provider generates and edits with here, and what one image of it costs. */
const CASES = [
  { provider: 'openai', generate: { model: 'gpt-image-medium', size: '1536x1024', format: 'webp', price: 5 }, edit: { model: 'gpt-image-low', size: '1024x1024', format: 'png', price: 2 } },
  { provider: 'stability', generate: { model: 'core', size: '1344x768', format: 'jpeg', price: 3 }, edit: { model: 'outpaint', size: '1024x1024', format: 'png', price: 4 } },
  { provider: 'replicate', generate: { model: 'flux-schnell', size: '1216x832', format: 'webp', price: 1 }, edit: { model: 'flux-kontext-pro', size: '1024x1024', format: 'jpeg', price: 10 } },
] as const;

describe('the shipped provider plugins through the REST API and the OpenAI-compatible endpoint, against their fakes', () => {
  let fakes: Fakes;
  let t: TestApp;
  let key: string;
  let client: OpenAI;
  let source: Buffer;
  let credits: ProviderApp['credits'], download: ProviderApp['download'], finished: ProviderApp['finished'];

  beforeAll(async () => {
    const [openai, stability, replicate] = await Promise.all([startOpenAIFake(), startStabilityFake(), startReplicateFake()]);
    fakes = { openai, stability, replicate };
    ({ t, key, client, credits, download, finished } = await startProviderApp({
      providers: [
        { id: 'openai', options: { baseUrl: openai.url }, credentials: { apiKey: FAKE_OPENAI_KEY } },
        { id: 'stability', options: { baseUrl: stability.url }, credentials: { apiKey: STABILITY_KEY } },
        { id: 'replicate', options: { baseUrl: replicate.url }, credentials: { apiToken: REPLICATE_TOKEN } },
      ],
      plan: 'pro', credits: STARTING_CREDITS - 100, label: 'real',
      scopes: ['images:generate', 'images:edit', 'images:read', 'jobs:read', 'credits:read', 'providers:read', 'jobs:cancel'], listen: true,
    }));
    source = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#ff0000' } }).png().toBuffer();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all(Object.values(fakes ?? {}).map((fake) => fake.close()));
  });

  const post = (path: string, body: Record<string, unknown>) => t.http().post(path).set(bearer(key)).send(body);
  /** The image calls (POSTs) a fake has received: health checks and polls are GETs. */
  const imageCalls = (provider: keyof Fakes) => fakes[provider].requests.filter((r) => r.method === 'POST').length;
  /**
   * Makes the provider's next call a 429 with its retry headers; answers the wait they ask for. OpenAI's
   * fake sends its own (Retry-After: 12); the others' own answers ask for 30 to 60 s, too long for a
   * test, so they answer as a proxy in front of them would, with a short Retry-After (above the core's
   * 2 s first back-off, so the wait shows it was honoured).
   */
  const rateLimit: Record<keyof Fakes, () => number> = {
    openai: () => (fakes.openai.failNextWith('rate_limit'), 12_000),
    stability: () => (fakes.stability.failNextWith({ ...STABILITY_FAILURES.rate_limit_exceeded, headers: { 'retry-after': '3' } }), 3_000),
    replicate: () => (fakes.replicate.answerNext({ ...REPLICATE_ERRORS.throttled, headers: { ...REPLICATE_ERRORS.throttled.headers, 'retry-after': '3' } }), 3_000),
  };
  const asked = (size: string, format: string) => ({ width: Number(size.split('x')[0]), height: Number(size.split('x')[1]), format });

  describe.each(CASES)('$provider', ({ provider, generate, edit }) => {
    it('generates through POST /api/v1/images/generations: real images of the asked size and format, charged the model price', async () => {
      const before = await credits();
      const res = await post('/api/v1/images/generations', { prompt: 'a teal teapot on oak', provider, model: generate.model, size: generate.size, format: generate.format, n: 2 }).expect(202);
      const job = await finished(res.body.id);
      expect(job).toMatchObject({ status: 'completed', error: null, cost: 2 * generate.price });
      expect(job.outputs).toHaveLength(2);
      for (const output of job.outputs) {
        expect(await sizeOf(await download(output.url))).toEqual(asked(generate.size, generate.format));
      }
      const image = (await t.http().get(`/api/v1/images/${job.outputs[0].id}`).set(bearer(key)).expect(200)).body;
      expect(image).toMatchObject({ provider, model: generate.model });
      await settledCredits(t, key, { creditsBalance: before.creditsBalance - 2 * generate.price, reserved: 0 });
    }, 30_000);

    it('edits a source image through POST /api/v1/images/edits, sent as JSON or as a multipart form', async () => {
      const before = await credits();
      const json = await post('/api/v1/images/edits', { prompt: 'make it blue', provider, model: edit.model, size: edit.size, format: edit.format, images: [{ data: source.toString('base64'), mimeType: 'image/png' }] }).expect(202);
      const form = await t.http().post('/api/v1/images/edits').set(bearer(key))
        .field('prompt', 'make it blue').field('provider', provider).field('model', edit.model).field('size', edit.size).field('format', edit.format)
        .attach('images', source, 'source.png')
        .expect(202);
      for (const res of [json, form]) {
        const job = await finished(res.body.id);
        expect(job).toMatchObject({ status: 'completed', error: null, cost: edit.price });
        expect(await sizeOf(await download(job.outputs[0].url))).toEqual(asked(edit.size, edit.format));
      }
      await settledCredits(t, key, { creditsBalance: before.creditsBalance - 2 * edit.price, reserved: 0 });
    }, 30_000);

    it('answers POST /v1/images/generations for the model named, as OpenAI does, to the official SDK', async () => {
      const b64 = (await client.images.generate({ model: generate.model, prompt: 'a lighthouse', size: '1024x1024', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
      expect(await sizeOf(Buffer.from(b64.data![0].b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024, format: 'png' });
      const linked = (await client.images.generate({ model: generate.model, prompt: 'a lighthouse', size: '1024x1024', output_format: 'jpeg' })) as OpenAI.ImagesResponse;
      expect(await sizeOf(await download(linked.data![0].url!))).toEqual({ width: 1024, height: 1024, format: 'jpeg' });
      const edited = (await client.images.edit({ model: edit.model, image: await toFile(source, 'source.png', { type: 'image/png' }), prompt: 'make it blue', size: '1024x1024', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
      expect(await sizeOf(Buffer.from(edited.data![0].b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024, format: 'png' });
    }, 30_000);

    it.each<[ProviderErrorKind, string]>([
      ['invalid_credentials', 'provider_credentials_invalid'],
      ['content_rejected', 'content_rejected'],
    ])('fails the job when the provider answers %s, with %s, and charges nothing', async (kind, code) => {
      const before = await credits();
      expect(fakes[provider].failNext?.(kind)).toBe(true);
      const res = await post('/api/v1/images/generations', { prompt: 'a failing request', provider, model: generate.model, size: generate.size }).expect(202);
      const job = await finished(res.body.id);
      expect(job).toMatchObject({ status: 'failed', error: { code }, cost: 0 });
      await settledCredits(t, key, before);
    }, 30_000);

    it('retries a 5xx and completes', async () => {
      const calls = imageCalls(provider);
      expect(fakes[provider].failNext?.('transient')).toBe(true);
      const res = await post('/api/v1/images/generations', { prompt: 'after an outage', provider, model: generate.model, size: generate.size }).expect(202);
      const job = await finished(res.body.id);
      expect(job).toMatchObject({ status: 'completed', error: null, cost: generate.price });
      expect(imageCalls(provider) - calls).toBe(2);
    }, 30_000);

    it('waits out a 429 as its retry headers say, then completes', async () => {
      const calls = imageCalls(provider);
      const waitMs = rateLimit[provider]();
      const started = Date.now();
      const res = await post('/api/v1/images/generations', { prompt: 'after a rate limit', provider, model: generate.model, size: generate.size }).expect(202);
      const job = await finished(res.body.id);
      expect(job).toMatchObject({ status: 'completed', error: null, cost: generate.price });
      expect(imageCalls(provider) - calls).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(waitMs);
    }, 30_000);

    it('refuses an unknown model with 400 invalid_model listing the choices', async () => {
      const res = await post('/api/v1/images/generations', { prompt: 'x', provider, model: 'no-such-model' }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_model', available: expect.arrayContaining([`${provider}/${generate.model}`]) });
    });
  });

  it('lists the providers with their models and status in GET /api/v1/providers', async () => {
    const res = await t.http().get('/api/v1/providers').set(bearer(key)).expect(200);
    const listed = res.body.data.map(({ id, status, byok, pricing, models }: { id: string; status: string; byok: boolean; pricing: object; models: { id: string }[] }) => ({ id, status, byok, pricing, models: models.map((m) => m.id) }));
    expect(listed).toEqual([
      { id: 'aura', status: 'healthy', byok: false, pricing: { generate: 1, edit: 1, video: 2 }, models: ['aura', 'aura-motion'] },
      { id: 'openai', status: 'healthy', byok: true, pricing: { generate: 4, edit: 5 }, models: ['gpt-image-medium', 'gpt-image-low', 'gpt-image-high'] },
      {
        id: 'stability', status: 'healthy', byok: true, pricing: { generate: 3, edit: 5, upscale: 2, removeBackground: 5 },
        models: ['core', 'ultra', 'sd3', 'inpaint', 'erase', 'search-and-replace', 'outpaint', 'remove-background', 'upscale-fast', 'upscale-creative'],
      },
      { id: 'replicate', status: 'healthy', byok: true, pricing: { generate: 1, edit: 10 }, models: ['flux-schnell', 'flux-kontext-pro'] },
    ]);
    // The status is each backend's own health check, with the platform's key.
    const healthChecks = (fake: { requests: { method: string; url: string }[] }) => new Set(fake.requests.filter((r) => r.method === 'GET').map((r) => r.url));
    expect(healthChecks(fakes.openai)).toContain('/v1/models/gpt-image-1.5');
    expect(healthChecks(fakes.stability)).toContain('/v1/user/balance');
    expect(healthChecks(fakes.replicate)).toContain('/v1/account');
  });

  it("renders an aspect ratio at the model's own size for it", async () => {
    for (const [provider, model, aspectRatio, size] of [['stability', 'core', '16:9', '1344x768'], ['replicate', 'flux-schnell', '3:4', '896x1152']]) {
      const res = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=20' }).send({ prompt: 'a wide view', provider, model, aspectRatio }).expect(200);
      expect(await sizeOf(await download(res.body.outputs[0].url))).toEqual(asked(size, 'png'));
    }
    const openai = await post('/api/v1/images/generations', { prompt: 'a wide view', provider: 'openai', aspectRatio: '16:9' }).expect(400);
    expect(openai.body.error).toMatchObject({ code: 'invalid_model', message: 'size must be one of: 1024x1024, 1536x1024, 1024x1536', sizes: ['1024x1024', '1536x1024', '1024x1536'] });
  }, 30_000);

  it('cancels a Replicate prediction still running when its job is cancelled, and charges nothing', async () => {
    const before = await credits();
    fakes.replicate.pollsBeforeDone = 1000;
    try {
      const res = await post('/api/v1/images/generations', { prompt: 'a slow model', provider: 'replicate', size: '1024x1024' }).expect(202);
      let prediction: { status: string } | undefined;
      for (let i = 0; i < 100 && prediction?.status !== 'processing'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        prediction = [...fakes.replicate.predictions.values()].find((p) => p.input.prompt === 'a slow model');
      }
      expect(prediction?.status).toBe('processing');
      await t.http().post(`/api/v1/jobs/${res.body.id}/cancel`).set(bearer(key)).expect(200);
      expect(await finished(res.body.id)).toMatchObject({ status: 'canceled', cost: 0 });
      for (let i = 0; i < 100 && prediction?.status !== 'canceled'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(prediction?.status).toBe('canceled');
      await settledCredits(t, key, before);
    } finally {
      fakes.replicate.pollsBeforeDone = 0;
    }
  }, 30_000);

  describe('errors through the OpenAI-compatible endpoint', () => {
    it("answers a moderation refusal as OpenAI does, a 4xx the SDK does not retry, with the job's code", async () => {
      const calls = imageCalls('openai');
      fakes.openai.failNextWith('moderation');
      const err = await new OpenAI({ apiKey: key, baseURL: client.baseURL, maxRetries: 2 }).images.generate({ model: 'gpt-image-medium', prompt: 'something refused' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.UnprocessableEntityError);
      expect((err as InstanceType<typeof OpenAI.UnprocessableEntityError>).error).toMatchObject({ code: 'content_rejected', jobId: expect.any(String) });
      expect(imageCalls('openai') - calls).toBe(1);
    });

    it("answers a key the provider refuses with 502 and the job's code", async () => {
      expect(fakes.stability.failNext?.('invalid_credentials')).toBe(true);
      const err = await client.images.generate({ model: 'core', prompt: 'a refused key' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err).toMatchObject({ status: 502, error: { code: 'provider_credentials_invalid', message: expect.stringContaining('invalid or missing API key'), jobId: expect.any(String) } });
    });

    it('answers an unknown model with 400 invalid_model listing every provider\'s models', async () => {
      const err = await client.images.generate({ model: 'dall-e-3', prompt: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({
        code: 'invalid_model', available: expect.arrayContaining(['aura', 'gpt-image-medium', 'core', 'flux-schnell']),
      });
    });
  });
});
