import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { providerMetadataOf, ProviderError, type PollResult, type ProviderRequest, type ProviderWebhookDelivery } from '../../../src/plugins';
import { describeProviderContract, providerTestContext, startFakeServer, type FakeRequest, type FakeServer } from '../../../src/plugins/testing';
import { BROKE_TOKEN, NSFW_ERROR, REPLICATE_TOKEN, SDXL_VERSION, startReplicateFake, type ReplicateFake } from './fake';
import { DEFAULT_MODELS, type ReplicateModelOptions } from './replicate-options.dto';
import { ReplicateProvider } from './replicate.provider';

/** The defaults, and a community model pinned to a version that takes width, height and an image. */
const MODELS: ReplicateModelOptions[] = [...DEFAULT_MODELS, {
  id: 'sdxl',
  model: `stability-ai/sdxl:${SDXL_VERSION}`,
  operations: ['generate', 'edit'],
  sizes: { '768x768': { width: 768, height: 768 }, '1024x1024': { width: 1024, height: 1024 } },
  formats: { png: {} },
  imageInput: 'image',
  countInput: 'num_outputs',
  maxImagesPerCall: 4,
  seedInput: 'seed',
  negativePromptInput: 'negative_prompt',
  credits: 2,
}, {
  id: 'nano-banana',
  model: 'google/nano-banana',
  operations: ['edit'],
  sizes: { '1024x1024': { aspect_ratio: '1:1' } },
  formats: { png: { output_format: 'png' } },
  imagesInput: 'image_input',
  maxSourceImages: 3,
  mask: true,
  maskInput: 'mask',
  credits: 4,
}];

describeProviderContract('replicate', { plugin: ReplicateProvider, options: { models: MODELS }, credentials: { apiToken: REPLICATE_TOKEN }, fake: startReplicateFake });

describe('replicate plugin', () => {
  let fake: ReplicateFake;
  let plugin: ReplicateProvider;
  const ctx = (apiToken = REPLICATE_TOKEN, signal?: AbortSignal) => providerTestContext({ signal, credentials: { owner: 'platform', values: { apiToken } } });
  type GenerateRequest = Extract<ProviderRequest, { operation: 'generate' }>;
  const generate = (model = 'flux-schnell', more: Partial<GenerateRequest['input']> = {}): GenerateRequest =>
    ({ operation: 'generate', input: { model, prompt: 'a teal teapot', width: 1344, height: 768, format: 'jpeg', n: 2, seed: 42, ...more } });
  const since = (from: number) => fake.requests.slice(from).map((r) => `${r.method} ${r.url}`);
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (err: unknown) => err as ProviderError);
  const settle = async (remoteId: string, apiToken?: string): Promise<PollResult> => {
    for (let i = 0; i < 10; i++) {
      const state = await plugin.poll(remoteId, ctx(apiToken));
      if (state.status !== 'pending') return state;
    }
    throw new Error('still pending');
  };

  beforeAll(async () => {
    fake = await startReplicateFake();
    plugin = new ReplicateProvider({ baseUrl: fake.url, models: MODELS, waitSeconds: 30 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.pollsBeforeDone = 0;
    fake.holdMs = 0;
  });

  it('lists, for each configured id, the models its options configure', () => {
    const models = ReplicateProvider.modelsFor({ models: MODELS });
    expect(models.map((m) => [m.id, m.seed, m.maxImagesPerCall, m.maxSourceImages, m.mask])).toEqual([
      ['flux-schnell', true, 4, 1, false], ['flux-kontext-pro', true, 1, 1, false], ['sdxl', true, 4, 1, false], ['nano-banana', false, 1, 3, true],
    ]);
    expect(models[2].sizes).toEqual(['768x768', '1024x1024']);
    expect(models[2].price({ operation: 'generate', model: 'sdxl', n: 3, width: 768, height: 768, format: 'png' })).toBe(6);
    // Another id without the option has the defaults, which the class's metadata declares.
    expect(ReplicateProvider.modelsFor({}).map((m) => m.id)).toEqual(providerMetadataOf(ReplicateProvider)!.models.map((m) => m.id));
  });

  it('creates a prediction on an official model with Prefer: wait, its inputs mapped, and answers the first poll without another request', async () => {
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit(generate(), ctx());
    const create = fake.requests[from];
    expect(create.url).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(create.headers.prefer).toBe('wait=30');
    expect(JSON.parse(create.body.toString())).toEqual({ input: { megapixels: '1', aspect_ratio: '16:9', output_format: 'jpg', prompt: 'a teal teapot', num_outputs: 2, seed: 42 } });
    const state = await plugin.poll(remoteId, ctx());
    expect(since(from)).toHaveLength(1);
    expect(state.status).toBe('done');
    const outputs = (state as Extract<PollResult, { status: 'done' }>).outputs as Array<{ url: string }>;
    expect(outputs).toHaveLength(2);
    const meta = await sharp(Buffer.from(await (await fetch(outputs[0].url)).arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1344, 768]);
  });

  it('polls a prediction the wait window did not finish (status processing) until it succeeds', async () => {
    fake.pollsBeforeDone = 2;
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit(generate(), ctx());
    expect(fake.predictions.get(remoteId)?.status).toBe('processing');
    expect(await plugin.poll(remoteId, ctx())).toEqual({ status: 'pending', retryAfterMs: 500 });
    expect(await settle(remoteId)).toMatchObject({ status: 'done' });
    expect(since(from).filter((r) => r.startsWith('GET'))).toHaveLength(3);
  });

  it('creates a prediction on a pinned version, with the negative prompt and an edit source as a data URI', async () => {
    const source = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit({ operation: 'edit', input: { ...generate('sdxl').input, width: 768, height: 768, format: 'png', n: 1, negativePrompt: 'blur', images: [{ data: source, mimeType: 'image/png' }] } }, ctx());
    const create = fake.requests[from];
    expect(create.url).toBe('/v1/predictions');
    expect(JSON.parse(create.body.toString())).toEqual({
      version: SDXL_VERSION,
      input: { width: 768, height: 768, prompt: 'a teal teapot', num_outputs: 1, seed: 42, negative_prompt: 'blur', image: `data:image/png;base64,${source.toString('base64')}` },
    });
    const state = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    const stats = await sharp(Buffer.from(await (await fetch((state.outputs[0] as { url: string }).url)).arrayBuffer())).stats();
    expect(stats.channels[0].mean).toBeGreaterThan(200);
  });

  it('sends every source of an edit as a list to a model with imagesInput, and its mask as grayscale, white where transparent', async () => {
    const red = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const blue = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0000ff' } }).png().toBuffer();
    // Transparent (to change) on the left half, opaque (to keep) on the right.
    const pixels = Buffer.alloc(32 * 32 * 4).map((_, i) => (i % 4 === 3 && (i >> 2) % 32 >= 16 ? 255 : 0));
    const mask = await sharp(pixels, { raw: { width: 32, height: 32, channels: 4 } }).png().toBuffer();
    const from = fake.requests.length;
    const images = [{ data: red, mimeType: 'image/png' }, { data: blue, mimeType: 'image/png' }];
    const { remoteId } = await plugin.submit({ operation: 'edit', input: { ...generate('nano-banana').input, width: 1024, height: 1024, format: 'png', n: 1, images, mask: { data: mask, mimeType: 'image/png' } } }, ctx());
    const { input } = JSON.parse(fake.requests[from].body.toString()) as { input: Record<string, unknown> };
    expect(fake.requests[from].url).toBe('/v1/models/google/nano-banana/predictions');
    expect(input.image_input).toEqual([`data:image/png;base64,${red.toString('base64')}`, `data:image/png;base64,${blue.toString('base64')}`]);
    const sent = String(input.mask);
    expect(sent.startsWith('data:image/png;base64,')).toBe(true);
    const grey = sharp(Buffer.from(sent.slice(sent.indexOf(',') + 1), 'base64'));
    expect(await grey.metadata()).toMatchObject({ width: 32, height: 32, channels: 1 });
    const row = await grey.extractChannel(0).raw().toBuffer();
    expect([row[0], row[15], row[16], row[31]]).toEqual([255, 255, 0, 0]);
    expect(await settle(remoteId)).toMatchObject({ status: 'done' });
  });

  it('cancels a running prediction, whose poll then answers failed (unavailable)', async () => {
    fake.pollsBeforeDone = 5;
    const { remoteId } = await plugin.submit(generate(), ctx());
    const from = fake.requests.length;
    await plugin.cancel(remoteId, ctx());
    expect(since(from)).toEqual([`POST /v1/predictions/${remoteId}/cancel`]);
    const state = await plugin.poll(remoteId, ctx());
    expect(state.status === 'failed' && state.error.kind).toBe('unavailable');
  });

  it('reports a moderated prediction as content_rejected and another model failure as transient', async () => {
    fake.failNextPrediction(NSFW_ERROR);
    const moderated = await settle((await plugin.submit(generate(), ctx())).remoteId);
    expect(moderated.status === 'failed' && [moderated.error.kind, moderated.error.message]).toEqual(['content_rejected', expect.stringContaining('NSFW content detected')]);
    fake.failNextPrediction('CUDA error: out of memory');
    const crashed = await settle((await plugin.submit(generate(), ctx())).remoteId);
    expect(crashed.status === 'failed' && crashed.error.kind).toBe('transient');
  });

  it('reports an account without credit (402) as quota_exhausted, not retried', async () => {
    const err = await failure(plugin.submit(generate(), ctx(BROKE_TOKEN)));
    expect([err.kind, err.retryable, err.message]).toEqual(['quota_exhausted', false, expect.stringContaining('Insufficient credit')]);
  });

  it('sends a throttled create once (the SDK retries 429 five times on its own) and waits as the detail says', async () => {
    fake.failNext!('rate_limited');
    const from = fake.requests.length;
    const err = await failure(plugin.submit(generate(), ctx()));
    expect([err.kind, err.retryAfterMs]).toEqual(['rate_limited', 30_000]);
    expect(since(from)).toHaveLength(1);
  });

  it('prefers the Retry-After header to the detail of a 429', async () => {
    fake.answerNext({ status: 429, headers: { 'retry-after': '7' }, body: { title: 'Too Many Requests', detail: 'Request was throttled.', status: 429 } });
    expect((await failure(plugin.submit(generate(), ctx()))).retryAfterMs).toBe(7000);
  });

  it('sends a poll answered 5xx once (the SDK retries a GET five times on its own) and reports it transient', async () => {
    fake.pollsBeforeDone = 3;
    const { remoteId } = await plugin.submit(generate(), ctx());
    fake.failNext!('transient');
    const from = fake.requests.length;
    expect((await failure(plugin.poll(remoteId, ctx()))).kind).toBe('transient');
    expect(since(from)).toEqual([`GET /v1/predictions/${remoteId}`]);
    expect(await settle(remoteId)).toMatchObject({ status: 'done' });
  });

  it('reports a version it may not run (422) and an unknown official model (404) as unavailable, bad input (422) as invalid_input', async () => {
    const other = new ReplicateProvider({ baseUrl: fake.url, models: MODELS, waitSeconds: 30 });
    fake.failNext!('unavailable');
    expect((await failure(other.submit(generate('sdxl', { width: 768, height: 768, format: 'png' }), ctx()))).kind).toBe('unavailable');
    fake.answerNext({ status: 404, headers: { 'content-type': 'application/problem+json' }, body: { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 } });
    expect((await failure(plugin.submit(generate(), ctx()))).kind).toBe('unavailable');
    fake.failNext!('invalid_input');
    const err = await failure(plugin.submit(generate(), ctx()));
    expect([err.kind, err.message]).toEqual(['invalid_input', expect.stringContaining('prompt is required')]);
  });

  it('gives up a slow create as soon as the job is cancelled', async () => {
    fake.holdMs = 5_000;
    const controller = new AbortController();
    const started = Date.now();
    const running = plugin.submit(generate(), ctx(REPLICATE_TOKEN, controller.signal));
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(running).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('checks its token against the account', async () => {
    expect(await plugin.health(ctx())).toEqual({ ok: true });
    expect(await plugin.health(ctx('r8_not_a_token_at_all'))).toEqual({ ok: false, detail: expect.stringContaining('Unauthenticated') });
    expect(await plugin.health(providerTestContext())).toEqual({ ok: false, detail: 'no API token' });
  });

  it('refuses options it cannot use, naming each problem', () => {
    expect(ReplicateProvider.validateOptions({})).toEqual([]);
    expect(ReplicateProvider.validateOptions({ baseUrl: 'not a url', waitSeconds: 0, colour: 'red' })).toEqual([
      'colour is not a field this plugin takes', expect.stringMatching(/^baseUrl/), expect.stringMatching(/^waitSeconds/),
    ]);
    expect(ReplicateProvider.validateOptions({ models: [{ ...MODELS[2], model: 'sdxl' }] })).toEqual([expect.stringContaining('owner/name')]);
    const { imageInput: _, ...noImage } = MODELS[2];
    expect(ReplicateProvider.validateOptions({ models: [{ ...noImage, sizes: { big: {} } }, MODELS[0], MODELS[0]] })).toEqual([
      'models.0.sizes must map WIDTHxHEIGHT keys to the inputs for that size',
      'models.0.imageInput or imagesInput is needed for the edit operation',
      'models.2.id "flux-schnell" is used twice',
    ]);
    expect(ReplicateProvider.validateOptions({ models: [{ ...MODELS[2], maxSourceImages: 2, mask: true }] })).toEqual([
      'models.0.imagesInput is needed for maxSourceImages above 1', 'models.0.maskInput is needed for mask',
    ]);
    expect(ReplicateProvider.validateOptions({ models: [{ ...MODELS[3], maxSourceImages: 17, mask: 'yes' }] })).toEqual([
      expect.stringMatching(/^models\.0\.maxSourceImages/), expect.stringMatching(/^models\.0\.mask /),
    ]);
  });
});
