import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerMetadataOf, ProviderError, type PollResult, type ProviderCallReport, type ProviderRequest } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { BROKE_FAL_KEY, FAL_ERRORS, FAL_KEY, startFalFake, type FalFake } from './fake';
import { DEFAULT_MODELS, type FalModelOptions } from './fal-options.dto';
import { FalProvider } from './fal.provider';

describeProviderContract('fal', { plugin: FalProvider, credentials: { apiKey: FAL_KEY }, fake: startFalFake });

/** FLUX Kontext [max] multi: several sources as a list, and (in this test's configuration) a mask. */
const KONTEXT_MULTI: FalModelOptions = {
  id: 'kontext-multi',
  endpoint: 'fal-ai/flux-pro/kontext/max/multi',
  operations: ['edit'],
  sizes: { '1024x1024': { aspect_ratio: '1:1' } },
  formats: { png: { output_format: 'png' } },
  imagesInput: 'image_urls',
  maxSourceImages: 4,
  mask: true,
  maskInput: 'mask_url',
  credits: 8,
  listPrice: { usd: 0.08, per: 'image' },
};

describe('fal plugin', () => {
  let fake: FalFake;
  let plugin: FalProvider;
  const ctx = (apiKey = FAL_KEY, more: { signal?: AbortSignal; onReport?: (r: ProviderCallReport) => void } = {}) =>
    providerTestContext({ ...more, credentials: { owner: 'platform', values: { apiKey } } });
  type GenerateRequest = Extract<ProviderRequest, { operation: 'generate' }>;
  const generate = (model = 'flux-schnell', more: Partial<GenerateRequest['input']> = {}): GenerateRequest =>
    ({ operation: 'generate', input: { model, prompt: 'a teal teapot', width: 1024, height: 768, format: 'jpeg', n: 2, seed: 42, ...more } });
  const since = (from: number) => fake.requests.slice(from).map((r) => `${r.method} ${r.url}`);
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (err: unknown) => err as ProviderError);
  const settle = async (remoteId: string): Promise<PollResult> => {
    for (let i = 0; i < 10; i++) {
      const state = await plugin.poll(remoteId, ctx());
      if (state.status !== 'pending') return state;
    }
    throw new Error('still pending');
  };
  const requestIdOf = (remoteId: string) => remoteId.split('/requests/')[1];

  beforeAll(async () => {
    fake = await startFalFake();
    plugin = new FalProvider({ baseUrl: fake.url });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.pollsBeforeDone = 0;
    fake.holdMs = 0;
  });

  it('lists, for each configured id, the models its options configure, with credits and fal\'s list price in USD', () => {
    const models = FalProvider.modelsFor({});
    expect(models.map((m) => [m.id, m.operations, m.maxImagesPerCall, m.seed])).toEqual([
      ['flux-schnell', ['generate'], 4, true], ['flux-dev', ['generate'], 4, true], ['flux-kontext-pro', ['edit'], 4, true],
    ]);
    expect(models.map((m) => m.id)).toEqual(providerMetadataOf(FalProvider)!.models.map((m) => m.id));
    const quote = { operation: 'generate' as const, model: 'flux-dev', n: 2, width: 1024, height: 768, format: 'jpeg' as const };
    expect([models[1].price(quote), models[1].providerPrice!(quote)]).toEqual([6, { amount: 0.05, currency: 'USD' }]);
    expect(models[2].providerPrice!({ ...quote, operation: 'edit', n: 1, width: 1024, height: 1024 })).toEqual({ amount: 0.04, currency: 'USD' });
    const { name: _, description: __, ...unnamed } = DEFAULT_MODELS[0];
    const custom = FalProvider.modelsFor({ models: [{ ...unnamed, id: 'sdxl', endpoint: 'fal-ai/fast-sdxl', credits: 2 }, KONTEXT_MULTI] });
    expect(custom.map((m) => [m.id, m.name, m.description, m.price({ ...quote, n: 3 })])).toEqual([['sdxl', 'sdxl', 'fal-ai/fast-sdxl, on fal', 6], ['kontext-multi', 'kontext-multi', 'fal-ai/flux-pro/kontext/max/multi, on fal', 24]]);
    expect(custom.map((m) => [m.maxSourceImages, m.mask])).toEqual([[1, false], [4, true]]);
    expect(models.map((m) => [m.maxSourceImages, m.mask])).toEqual([[1, false], [1, false], [1, false]]);
  });

  it('submits to the queue with its key, the inputs mapped, and reports the request id and list price', async () => {
    const reports: ProviderCallReport[] = [];
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit(generate(), ctx(FAL_KEY, { onReport: (r) => reports.push(r) }));
    const submit = fake.requests[from];
    expect(`${submit.method} ${submit.url}`).toBe('POST /fal-ai/flux/schnell');
    expect(submit.headers.authorization).toBe(`Key ${FAL_KEY}`);
    expect(JSON.parse(submit.body.toString())).toEqual({ image_size: 'landscape_4_3', output_format: 'jpeg', prompt: 'a teal teapot', num_images: 2, seed: 42 });
    expect(remoteId).toMatch(/^fal-ai\/flux\/schnell\/requests\/[0-9a-f-]{36}$/);
    expect(reports).toEqual([{ requestId: requestIdOf(remoteId), cost: { amount: 0.006, currency: 'USD' } }]);
    const state = await plugin.poll(remoteId, ctx());
    // Status and result live under owner/app, without the endpoint's sub-path.
    expect(since(from + 1)).toEqual([`GET /fal-ai/flux/requests/${requestIdOf(remoteId)}/status?logs=0`, `GET /fal-ai/flux/requests/${requestIdOf(remoteId)}`]);
    expect(state.status).toBe('done');
    const outputs = (state as Extract<PollResult, { status: 'done' }>).outputs as Array<{ url: string }>;
    expect(outputs).toHaveLength(2);
    const meta = await sharp(Buffer.from(await (await fetch(outputs[1].url)).arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1024, 768]);
  });

  it('answers pending while the request is queued and in progress, then done', async () => {
    fake.pollsBeforeDone = 2;
    const { remoteId } = await plugin.submit(generate(), ctx());
    expect(await plugin.poll(remoteId, ctx())).toEqual({ status: 'pending', retryAfterMs: 500 });
    expect(fake.queued.get(requestIdOf(remoteId))?.status).toBe('IN_QUEUE');
    expect(await plugin.poll(remoteId, ctx())).toEqual({ status: 'pending', retryAfterMs: 500 });
    expect(fake.queued.get(requestIdOf(remoteId))?.status).toBe('IN_PROGRESS');
    expect(await plugin.poll(remoteId, ctx())).toMatchObject({ status: 'done' });
  });

  it('edits with FLUX Kontext, its source sent as a data URI (never uploaded to fal\'s storage)', async () => {
    const source = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit({ operation: 'edit', input: { ...generate('flux-kontext-pro').input, width: 1024, height: 1024, format: 'png', n: 1, images: [{ data: source, mimeType: 'image/png' }] } }, ctx());
    expect(since(from)).toEqual(['POST /fal-ai/flux-pro/kontext']);
    expect(JSON.parse(fake.requests[from].body.toString())).toEqual({
      aspect_ratio: '1:1', output_format: 'png', prompt: 'a teal teapot', num_images: 1, seed: 42, image_url: `data:image/png;base64,${source.toString('base64')}`,
    });
    const state = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    const image = sharp(Buffer.from(await (await fetch((state.outputs[0] as { url: string }).url)).arrayBuffer()));
    expect((await image.metadata()).width).toBe(1024);
    expect((await image.stats()).channels[1].mean).toBeGreaterThan(200);
  });

  it('sends every source of an edit as a list to a model with imagesInput, and its mask as grayscale, white where transparent', async () => {
    const multi = new FalProvider({ baseUrl: fake.url, models: [KONTEXT_MULTI] });
    const green = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const blue = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0000ff' } }).png().toBuffer();
    // Transparent (to change) on the left half, opaque (to keep) on the right.
    const pixels = Buffer.alloc(32 * 32 * 4).map((_, i) => (i % 4 === 3 && (i >> 2) % 32 >= 16 ? 255 : 0));
    const mask = await sharp(pixels, { raw: { width: 32, height: 32, channels: 4 } }).png().toBuffer();
    const from = fake.requests.length;
    const images = [{ data: green, mimeType: 'image/png' }, { data: blue, mimeType: 'image/png' }];
    const { remoteId } = await multi.submit({ operation: 'edit', input: { ...generate('kontext-multi').input, width: 1024, height: 1024, format: 'png', n: 1, images, mask: { data: mask, mimeType: 'image/png' } } }, ctx());
    expect(since(from)).toEqual(['POST /fal-ai/flux-pro/kontext/max/multi']);
    const input = JSON.parse(fake.requests[from].body.toString()) as Record<string, unknown>;
    expect(input.image_urls).toEqual([`data:image/png;base64,${green.toString('base64')}`, `data:image/png;base64,${blue.toString('base64')}`]);
    const sent = String(input.mask_url);
    expect(sent.startsWith('data:image/png;base64,')).toBe(true);
    const grey = sharp(Buffer.from(sent.slice(sent.indexOf(',') + 1), 'base64'));
    expect(await grey.metadata()).toMatchObject({ width: 32, height: 32, channels: 1 });
    const row = await grey.extractChannel(0).raw().toBuffer();
    expect([row[0], row[15], row[16], row[31]]).toEqual([255, 255, 0, 0]);
    const state = (await multi.poll(remoteId, ctx())) as Extract<PollResult, { status: 'done' }>;
    const image = sharp(Buffer.from(await (await fetch((state.outputs[0] as { url: string }).url)).arrayBuffer()));
    expect((await image.stats()).channels[1].mean).toBeGreaterThan(200);
  });

  it('refuses a mask for a model with no mask input', async () => {
    const source = { data: await sharp({ create: { width: 8, height: 8, channels: 4, background: '#00ff0000' } }).png().toBuffer(), mimeType: 'image/png' };
    const err = await failure(plugin.submit({ operation: 'edit', input: { ...generate('flux-kontext-pro').input, width: 1024, height: 1024, format: 'png', n: 1, images: [source], mask: source } }, ctx()));
    expect([err.kind, err.message]).toEqual(['invalid_input', 'fal: flux-kontext-pro takes no mask']);
  });

  it('cancels a queued request', async () => {
    fake.pollsBeforeDone = 5;
    const { remoteId } = await plugin.submit(generate(), ctx());
    const from = fake.requests.length;
    await plugin.cancel(remoteId, ctx());
    expect(since(from)).toEqual([`PUT /fal-ai/flux/requests/${requestIdOf(remoteId)}/cancel`]);
    expect(fake.queued.get(requestIdOf(remoteId))?.status).toBe('CANCELLED');
  });

  it('reports a content checker\'s refusal (422 content_policy_violation) and a flagged image (has_nsfw_concepts) as content_rejected work', async () => {
    fake.failNextRequest('content_policy_violation');
    const refused = await settle((await plugin.submit(generate(), ctx())).remoteId);
    expect(refused.status === 'failed' && [refused.error.kind, refused.error.message]).toEqual(['content_rejected', expect.stringContaining('flagged by a content checker')]);
    fake.failNextRequest('nsfw');
    const flagged = await settle((await plugin.submit(generate(), ctx())).remoteId);
    expect(flagged.status === 'failed' && [flagged.error.kind, flagged.error.message]).toEqual(['content_rejected', expect.stringContaining('has_nsfw_concepts')]);
  });

  it('reports an exhausted balance (403 "User is locked") as quota_exhausted, sent once', async () => {
    const from = fake.requests.length;
    const err = await failure(plugin.submit(generate(), ctx(BROKE_FAL_KEY)));
    expect([err.kind, err.retryable, err.message]).toEqual(['quota_exhausted', false, expect.stringContaining('Exhausted balance')]);
    expect(since(from)).toHaveLength(1);
  });

  it('sends a throttled submit once (the client retries 429 three times on its own) and waits as Retry-After says', async () => {
    fake.failNext!('rate_limited');
    const from = fake.requests.length;
    const err = await failure(plugin.submit(generate(), ctx()));
    expect([err.kind, err.retryAfterMs]).toEqual(['rate_limited', 3000]);
    expect(since(from)).toHaveLength(1);
  });

  it('sends a status read answered 503 once (the client retries it five times) and reports it transient; the request is polled again after', async () => {
    fake.pollsBeforeDone = 1;
    const { remoteId } = await plugin.submit(generate(), ctx());
    fake.failNext!('transient');
    const from = fake.requests.length;
    expect((await failure(plugin.poll(remoteId, ctx()))).kind).toBe('transient');
    expect(since(from)).toHaveLength(1);
    expect(await settle(remoteId)).toMatchObject({ status: 'done' });
  });

  it('reports a refused key (401) as invalid_credentials, an unknown endpoint (404) as unavailable, a refused input (422) as invalid_input', async () => {
    expect((await failure(plugin.submit(generate(), ctx('fal-not-a-key:at-all')))).kind).toBe('invalid_credentials');
    const elsewhere = new FalProvider({ baseUrl: fake.url, models: [{ ...DEFAULT_MODELS[0], endpoint: 'fal-ai/no-such-app' }] });
    expect((await failure(elsewhere.submit(generate(), ctx()))).kind).toBe('unavailable');
    fake.answerNext(FAL_ERRORS.invalidInput);
    const err = await failure(plugin.submit(generate(), ctx()));
    expect([err.kind, err.message]).toEqual(['invalid_input', expect.stringContaining('Field required')]);
  });

  it('never falls back to the process\'s FAL_KEY: a call without credentials sends no key', async () => {
    process.env.FAL_KEY = FAL_KEY;
    try {
      const from = fake.requests.length;
      expect((await failure(plugin.submit(generate(), providerTestContext()))).kind).toBe('invalid_credentials');
      expect(fake.requests[from].headers.authorization).toBeUndefined();
    } finally {
      delete process.env.FAL_KEY;
    }
  });

  it('gives up a slow submit as soon as the job is cancelled', async () => {
    fake.holdMs = 5_000;
    const controller = new AbortController();
    const started = Date.now();
    const running = plugin.submit(generate(), ctx(FAL_KEY, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(running).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('checks its key with a free status read, refusing a wrong key and a locked account', async () => {
    const from = fake.requests.length;
    expect(await plugin.health(ctx())).toEqual({ ok: true });
    expect(since(from)).toEqual(['GET /fal-ai/flux/requests/00000000-0000-4000-8000-000000000000/status?logs=0']);
    expect(await plugin.health(ctx('fal-not-a-key:at-all'))).toEqual({ ok: false, detail: expect.stringContaining('No user found') });
    expect(await plugin.health(ctx(BROKE_FAL_KEY))).toEqual({ ok: false, detail: expect.stringContaining('Exhausted balance') });
    expect(await plugin.health(providerTestContext())).toEqual({ ok: false, detail: 'no API key' });
  });

  it('refuses options it cannot use, naming each problem', () => {
    expect(FalProvider.validateOptions({})).toEqual([]);
    expect(FalProvider.validateOptions({ baseUrl: 'not a url', colour: 'red' })).toEqual(['colour is not a field this plugin takes', expect.stringMatching(/^baseUrl/)]);
    expect(FalProvider.validateOptions({ models: [{ ...DEFAULT_MODELS[0], endpoint: 'flux' }] })).toEqual([expect.stringContaining('fal endpoint id')]);
    const { imageInput: _, ...noImage } = DEFAULT_MODELS[2];
    expect(FalProvider.validateOptions({ models: [{ ...noImage, sizes: { big: {} } }, DEFAULT_MODELS[0], DEFAULT_MODELS[0]] })).toEqual([
      'models.0.sizes must map WIDTHxHEIGHT keys to the inputs for that size',
      'models.0.imageInput or imagesInput is needed for the edit operation',
      'models.2.id "flux-schnell" is used twice',
    ]);
    const { imagesInput: __, maskInput: ___, ...noLists } = KONTEXT_MULTI;
    expect(FalProvider.validateOptions({ models: [{ ...noLists, imageInput: 'image_url' }] })).toEqual([
      'models.0.imagesInput is needed for maxSourceImages above 1', 'models.0.maskInput is needed for mask',
    ]);
    expect(FalProvider.validateOptions({ models: [{ ...KONTEXT_MULTI, maxSourceImages: 0, mask: 'yes' }], webhookJwksUrl: 'jwks' })).toEqual([
      expect.stringMatching(/^models\.0\.maxSourceImages/), expect.stringMatching(/^models\.0\.mask /), expect.stringMatching(/^webhookJwksUrl/),
    ]);
    expect(FalProvider.validateOptions({ models: [{ ...DEFAULT_MODELS[0], listPrice: { usd: -1, per: 'second' } }] })).toEqual([
      expect.stringMatching(/^models\.0\.listPrice\.usd/), expect.stringMatching(/^models\.0\.listPrice\.per/),
    ]);
  });
});
