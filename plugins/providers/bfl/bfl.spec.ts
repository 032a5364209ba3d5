import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerMetadataOf, ProviderError, type PollResult, type ProviderCallReport, type ProviderRequest } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { BflProvider } from './bfl.provider';
import { BFL_BROKE_KEY, BFL_ERRORS, BFL_KEY, startBflFake, type BflFake, type BflTaskEnd } from './fake';

describeProviderContract('bfl', { plugin: BflProvider, options: { pollIntervalMs: 250 }, credentials: { apiKey: BFL_KEY }, fake: startBflFake });

describe('bfl plugin', () => {
  let fake: BflFake;
  let plugin: BflProvider;
  const ctx = (apiKey = BFL_KEY, more: { signal?: AbortSignal; onReport?: (r: ProviderCallReport) => void } = {}) =>
    providerTestContext({ ...more, credentials: { owner: 'platform', values: { apiKey } } });
  type GenerateRequest = Extract<ProviderRequest, { operation: 'generate' }>;
  const generate = (model = 'flux-pro-1.1', more: Partial<GenerateRequest['input']> = {}): GenerateRequest =>
    ({ operation: 'generate', input: { model, prompt: 'a teal teapot', width: 1024, height: 768, format: 'jpeg', n: 1, seed: 42, ...more } });
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (err: unknown) => err as ProviderError);
  const settle = async (remoteId: string): Promise<PollResult> => {
    for (let i = 0; i < 10; i++) {
      const state = await plugin.poll(remoteId, ctx());
      if (state.status !== 'pending') return state;
    }
    throw new Error('still pending');
  };
  const imageAt = async (url: string) => {
    const meta = await sharp(Buffer.from(await (await fetch(url)).arrayBuffer())).metadata();
    return [meta.format, meta.width, meta.height];
  };
  const lastBody = () => JSON.parse(fake.requests.filter((r) => r.method === 'POST').at(-1)!.body.toString()) as Record<string, unknown>;

  beforeAll(async () => {
    fake = await startBflFake();
    plugin = new BflProvider({ baseUrl: fake.url, pollIntervalMs: 250 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.pollsBeforeDone = 1;
    fake.holdMs = 0;
  });

  it('submits FLUX1.1 [pro] with the size, seed and format, reports the task id and list price, and follows the regional polling URL to the sample', async () => {
    const reports: ProviderCallReport[] = [];
    const { remoteId } = await plugin.submit(generate(), ctx(BFL_KEY, { onReport: (r) => reports.push(r) }));
    const submitted = fake.requests.at(-1)!;
    expect([submitted.method, submitted.url, submitted.headers['x-key']]).toEqual(['POST', '/v1/flux-pro-1.1', BFL_KEY]);
    expect(lastBody()).toEqual({ prompt: 'a teal teapot', output_format: 'jpeg', width: 1024, height: 768, seed: 42 });
    const [taskId] = [...fake.tasks.keys()].slice(-1);
    expect(remoteId).toBe(`${fake.url}/eu1/v1/get_result?id=${taskId}`);
    expect(reports).toEqual([{ requestId: taskId, cost: { amount: 0.04, currency: 'USD' } }]);

    const pending = await plugin.poll(remoteId, ctx(BFL_KEY, { onReport: (r) => reports.push(r) }));
    expect(pending).toEqual({ status: 'pending', retryAfterMs: 250 });
    expect(reports.at(-1)).toEqual({ progress: 0.5 });
    const done = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    expect(fake.requests.at(-1)!.url).toBe(`/eu1/v1/get_result?id=${taskId}`);
    const [output] = done.outputs as Array<{ url: string; seed: number }>;
    expect(output.seed).toBe(42);
    expect(await imageAt(output.url)).toEqual(['jpeg', 1024, 768]);
  });

  it('asks Ultra for an aspect ratio and Kontext to edit the source sent as base64', async () => {
    await plugin.submit(generate('flux-pro-1.1-ultra', { width: 2752, height: 1536, format: 'png' }), ctx());
    expect(lastBody()).toEqual({ prompt: 'a teal teapot', output_format: 'png', aspect_ratio: '16:9', seed: 42 });
    const source = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const { remoteId } = await plugin.submit({ operation: 'edit', input: { ...generate('flux-kontext-pro').input, width: 1024, height: 1024, images: [{ data: source, mimeType: 'image/png' }] } }, ctx());
    expect(fake.requests.at(-1)!.url).toBe('/v1/flux-kontext-pro');
    expect(lastBody()).toEqual({ prompt: 'a teal teapot', output_format: 'jpeg', aspect_ratio: '1:1', seed: 42, input_image: source.toString('base64') });
    const done = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    expect(await imageAt((done.outputs[0] as { url: string }).url)).toEqual(['jpeg', 1024, 1024]);
  });

  describe('edits of several sources, and fills with a mask', () => {
    const FLUX2_BOUNDS = { minWidth: 64, maxWidth: 2048, minHeight: 64, maxHeight: 2048, multipleOf: 16, maxPixels: 4_194_304 };
    const FLUX2_EDIT = { id: 'flux-2-pro-edit', endpoint: 'flux-2-pro', operation: 'edit', bounds: FLUX2_BOUNDS, maxSourceImages: 8, credits: 3, usd: 0.03 };
    const flux2 = () => new BflProvider({ baseUrl: fake.url, pollIntervalMs: 250, models: [FLUX2_EDIT] });
    type EditRequest = Extract<ProviderRequest, { operation: 'edit' }>;
    const edit = (model: string, more: Partial<EditRequest['input']>): EditRequest => ({ operation: 'edit', input: { ...generate(model).input, images: [], ...more } });
    const square = (colour: string, size = 64) => sharp({ create: { width: size, height: size, channels: 3, background: colour } }).png().toBuffer();
    /** A PNG whose left half is fully transparent: the SDK's mask of the area to change. */
    const leftHalfMask = (width: number, height: number) => {
      const rgba = Buffer.alloc(width * height * 4);
      for (let y = 0; y < height; y++) for (let x = width / 2; x < width; x++) rgba[(y * width + x) * 4 + 3] = 255;
      return sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
    };
    const pixel = async (image: Buffer, x: number, y: number) => {
      const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
      return [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + info.channels)];
    };
    const sample = async (remoteId: string) => {
      const done = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
      return Buffer.from(await (await fetch((done.outputs[0] as { url: string }).url)).arrayBuffer());
    };

    it('declares how many sources each model takes and which takes a mask: Kontext one, a FLUX.2 edit model as configured, fill one and a mask', () => {
      const [kontext, fill] = BflProvider.modelsFor({}).filter((m) => m.operations.includes('edit'));
      expect([kontext.id, kontext.maxSourceImages, kontext.mask]).toEqual(['flux-kontext-pro', 1, undefined]);
      expect([fill.id, fill.operations, fill.maxSourceImages, fill.mask]).toEqual(['flux-pro-1.0-fill', ['edit'], undefined, true]);
      expect(BflProvider.modelsFor({ models: [FLUX2_EDIT] })[0])
        .toMatchObject({ operations: ['edit'], maxSourceImages: 8 });
      expect(BflProvider.modelsFor({}).find((m) => m.id === 'flux-pro-1.1')).not.toHaveProperty('maxSourceImages');
    });

    it('sends a FLUX.2 edit its sources as input_image, input_image_2, input_image_3, with the size', async () => {
      const sources = await Promise.all(['#ff0000', '#00ff00', '#0000ff'].map((c) => square(c)));
      const { remoteId } = await flux2().submit(edit('flux-2-pro-edit', { width: 1024, height: 768, images: sources.map((data) => ({ data, mimeType: 'image/png' })) }), ctx());
      expect(fake.requests.at(-1)!.url).toBe('/v1/flux-2-pro');
      expect(lastBody()).toEqual({
        prompt: 'a teal teapot', output_format: 'jpeg', width: 1024, height: 768, seed: 42,
        input_image: sources[0].toString('base64'), input_image_2: sources[1].toString('base64'), input_image_3: sources[2].toString('base64'),
      });
      expect(await sharp(await sample(remoteId)).metadata()).toMatchObject({ format: 'jpeg', width: 1024, height: 768 });
    });

    it('refuses more sources than the model takes without sending anything', async () => {
      const from = fake.requests.length;
      const nine = Array.from({ length: 9 }, () => ({ data: Buffer.from('x'), mimeType: 'image/png' }));
      const err = await failure(flux2().submit(edit('flux-2-pro-edit', { width: 1024, height: 768, images: nine }), ctx()));
      expect([err.kind, err.message]).toEqual(['invalid_input', 'bfl: flux-2-pro-edit takes at most 8 source images, not 9']);
      const two = nine.slice(0, 2);
      expect((await failure(plugin.submit(edit('flux-kontext-pro', { width: 1024, height: 1024, images: two }), ctx()))).message).toBe('bfl: flux-kontext-pro takes at most 1 source image, not 2');
      expect(fake.requests.length).toBe(from);
    });

    it('fills with a mask: the source at the asked size as image, the mask turned grayscale with white where it was transparent, and only that area repainted', async () => {
      const source = await square('#ff0000', 512);
      const { remoteId } = await plugin.submit(edit('flux-pro-1.0-fill', { width: 256, height: 256, format: 'png', images: [{ data: source, mimeType: 'image/png' }], mask: { data: await leftHalfMask(512, 512), mimeType: 'image/png' } }), ctx());
      expect(fake.requests.at(-1)!.url).toBe('/v1/flux-pro-1.0-fill');
      const body = lastBody();
      expect(Object.keys(body).sort()).toEqual(['image', 'mask', 'output_format', 'prompt', 'seed']);
      const [image, mask] = [Buffer.from(body.image as string, 'base64'), Buffer.from(body.mask as string, 'base64')];
      expect(await sharp(image).metadata()).toMatchObject({ format: 'png', width: 256, height: 256, hasAlpha: false });
      expect(await sharp(mask).metadata()).toMatchObject({ format: 'png', width: 256, height: 256, channels: 1 });
      expect([await pixel(mask, 10, 128), await pixel(mask, 245, 128)]).toEqual([[255, 255, 255], [0, 0, 0]]);
      const out = await sample(remoteId);
      expect(await sharp(out).metadata()).toMatchObject({ format: 'png', width: 256, height: 256 });
      expect([await pixel(out, 10, 128), await pixel(out, 245, 128)]).toEqual([[40, 200, 120], [255, 0, 0]]);
    });

    it("fills without a mask: the source goes with its alpha, and BFL fills its transparent pixels", async () => {
      const source = await leftHalfMask(256, 256);
      const { remoteId } = await plugin.submit(edit('flux-pro-1.0-fill', { width: 256, height: 256, format: 'png', images: [{ data: source, mimeType: 'image/png' }] }), ctx());
      expect(lastBody()).not.toHaveProperty('mask');
      expect(await sharp(Buffer.from(lastBody().image as string, 'base64')).metadata()).toMatchObject({ hasAlpha: true });
      const out = await sample(remoteId);
      expect([await pixel(out, 10, 128), await pixel(out, 245, 128)]).toEqual([[40, 200, 120], [0, 0, 0]]);
    });

    it("is refused, as BFL refuses it, a fill whose mask is not the image's size", async () => {
      const res = await fetch(`${fake.url}/v1/flux-pro-1.0-fill`, {
        method: 'POST', headers: { 'x-key': BFL_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'p', image: (await square('#ff0000', 64)).toString('base64'), mask: (await square('#ffffff', 32)).toString('base64') }),
      });
      expect([res.status, await res.json()]).toEqual([422, { detail: [{ type: 'value_error', loc: ['body', 'mask'], msg: "Value error, the mask (32x32) must have the image's dimensions (64x64)" }] }]);
    });
  });

  it('refuses to send its key to a polling URL that is neither the configured API nor an https bfl.ai host', async () => {
    const pollingBase = fake.pollingBase;
    fake.pollingBase = 'http://localhost:9/eu1';
    try {
      const err = await failure(plugin.submit(generate(), ctx()));
      expect([err.kind, err.message]).toEqual(['unavailable', expect.stringContaining('refusing to poll http://localhost:9')]);
    } finally {
      fake.pollingBase = pollingBase;
    }
    expect((await failure(plugin.poll('https://bfl.ai.example.com/v1/get_result?id=x', ctx()))).kind).toBe('unavailable');
    const asked: string[] = [];
    const regional = providerTestContext({
      credentials: { owner: 'platform', values: { apiKey: BFL_KEY } },
      onReport: () => undefined,
    });
    regional.http = { fetch: async (input) => (asked.push(String(input)), Response.json({ id: 'x', status: 'Pending' })) };
    expect(await plugin.poll('https://api.us1.bfl.ai/v1/get_result?id=x', regional)).toEqual({ status: 'pending', retryAfterMs: 250 });
    expect(asked).toEqual(['https://api.us1.bfl.ai/v1/get_result?id=x']);
  });

  it.each<[BflTaskEnd, string, RegExp]>([
    ['Request Moderated', 'content_rejected', /request was flagged by moderation.*Derivative Works/],
    ['Content Moderated', 'content_rejected', /result was flagged by moderation/],
    ['Error', 'transient', /failed at BFL/],
    ['Task not found', 'transient', /not found/],
  ])('ends a task answered %s as failed work of kind %s', async (end, kind, message) => {
    fake.failNextTask(end);
    const state = await settle((await plugin.submit(generate(), ctx())).remoteId);
    expect(state.status === 'failed' && [state.error.kind, state.error.message]).toEqual([kind, expect.stringMatching(message)]);
  });

  it('reports an account out of credits (402) as quota_exhausted, not retried', async () => {
    const err = await failure(plugin.submit(generate(), ctx(BFL_BROKE_KEY)));
    expect([err.kind, err.retryable, err.message]).toEqual(['quota_exhausted', false, expect.stringContaining('Insufficient credits')]);
  });

  it('sends a rate-limited submit once and waits as Retry-After says, else as the body\'s retry_after', async () => {
    const from = fake.requests.length;
    fake.failNext!('rate_limited');
    expect((await failure(plugin.submit(generate(), ctx()))).retryAfterMs).toBe(5000);
    expect(fake.requests.length - from).toBe(1);
    fake.answerNext({ status: 429, body: { error: 'rate_limit_exceeded', message: 'Too many concurrent requests', retry_after: 9 } });
    const err = await failure(plugin.submit(generate(), ctx()));
    expect([err.kind, err.retryAfterMs]).toEqual(['rate_limited', 9000]);
  });

  it('reports validation (422) as invalid_input naming each field, a gone endpoint (404) as unavailable, a 5xx as transient', async () => {
    const bad = await failure(plugin.submit(generate('flux-dev', { width: 1000 }), ctx()));
    expect([bad.kind, bad.message]).toEqual(['invalid_input', 'bfl: width: Value error, width must be a multiple of 32 from 256 to 1440 (422)']);
    const retired = new BflProvider({ baseUrl: fake.url, models: [{ id: 'flux-retired', operation: 'generate', bounds: { minWidth: 256, maxWidth: 1440, minHeight: 256, maxHeight: 1440, multipleOf: 32 }, credits: 1, usd: 0.01 }] });
    expect((await failure(retired.submit(generate('flux-retired'), ctx()))).kind).toBe('unavailable');
    fake.answerNext(BFL_ERRORS.internal);
    expect((await failure(plugin.submit(generate(), ctx()))).kind).toBe('transient');
    const { remoteId } = await plugin.submit(generate(), ctx());
    fake.answerNext({ status: 503, body: { detail: 'Service Unavailable' } });
    expect((await failure(plugin.poll(remoteId, ctx()))).kind).toBe('transient');
    expect(await settle(remoteId)).toMatchObject({ status: 'done' });
  });

  it("serves a sample's link for 10 minutes only, as BFL's signed links", async () => {
    fake.pollsBeforeDone = 0;
    const done = (await settle((await plugin.submit(generate(), ctx())).remoteId)) as Extract<PollResult, { status: 'done' }>;
    const { url } = done.outputs[0] as { url: string };
    expect((await fetch(url)).status).toBe(200);
    fake.advanceClock(11 * 60_000);
    expect((await fetch(url)).status).toBe(403);
  });

  it('gives up a slow submit as soon as the job is cancelled', async () => {
    fake.holdMs = 5_000;
    const controller = new AbortController();
    const started = Date.now();
    const running = plugin.submit(generate(), ctx(BFL_KEY, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(running).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('checks its key by reading the credits', async () => {
    expect(await plugin.health(ctx())).toEqual({ ok: true, detail: '1234.5 credits left' });
    expect(fake.requests.at(-1)!.url).toBe('/v1/credits');
    expect(await plugin.health(ctx('not-a-bfl-key'))).toEqual({ ok: false, detail: expect.stringContaining('Not authenticated') });
    expect(await plugin.health(providerTestContext())).toEqual({ ok: false, detail: 'no API key' });
  });

  it('lists the models its options configure, priced in credits and in dollars', () => {
    const models = BflProvider.modelsFor({});
    expect(models.map((m) => [m.id, m.operations[0]])).toEqual(providerMetadataOf(BflProvider)!.models.map((m) => [m.id, m.operations[0]]));
    expect(models.map((m) => m.id)).toEqual(['flux-pro-1.1', 'flux-pro-1.1-ultra', 'flux-dev', 'flux-kontext-pro', 'flux-pro-1.0-fill']);
    const quote = { operation: 'generate' as const, model: 'flux-dev', n: 3, width: 1024, height: 1024, format: 'jpeg' as const };
    expect([models[2].price(quote), models[2].providerPrice!(quote)]).toEqual([9, { amount: 0.075, currency: 'USD' }]);
    const configured = BflProvider.modelsFor({ models: [{ id: 'flux-2-pro', operation: 'edit', bounds: { minWidth: 64, maxWidth: 2048, minHeight: 64, maxHeight: 2048, multipleOf: 16, maxPixels: 4_194_304 }, credits: 3, usd: 0.03 }] });
    expect(configured).toEqual([expect.objectContaining({ id: 'flux-2-pro', operations: ['edit'], sizes: expect.objectContaining({ multipleOf: 16, maxPixels: 4_194_304 }) })]);
  });

  it('refuses options it cannot use, naming each problem', () => {
    expect(BflProvider.validateOptions({ baseUrl: 'https://api.eu.bfl.ai', pollIntervalMs: 500 })).toEqual([]);
    expect(BflProvider.validateOptions({ baseUrl: 'not a url', pollIntervalMs: 10, region: 'eu' })).toEqual([
      'region is not a field this plugin takes', expect.stringMatching(/^baseUrl/), expect.stringMatching(/^pollIntervalMs/),
    ]);
    expect(BflProvider.validateOptions({ models: [
      { id: 'a', operation: 'generate', credits: 1, usd: 0.01 },
      { id: 'a', operation: 'generate', aspectRatios: { wide: '16:9' }, credits: 1, usd: 0.01 },
      { id: 'B', operation: 'paint', credits: 0, usd: 0.01 },
    ] })).toEqual([
      expect.stringMatching(/^models\.2\.id/), expect.stringMatching(/^models\.2\.operation/), expect.stringMatching(/^models\.2\.credits/),
    ]);
    expect(BflProvider.validateOptions({ models: [
      { id: 'a', operation: 'generate', credits: 1, usd: 0.01 },
      { id: 'a', operation: 'generate', aspectRatios: { wide: '16:9' }, credits: 1, usd: 0.01 },
    ] })).toEqual([
      'models.0 needs exactly one of bounds (sent as width and height) or aspectRatios',
      'models.1.id "a" is used twice',
      'models.1.aspectRatios must map WIDTHxHEIGHT keys to ratios such as "16:9"',
    ]);
    expect(BflProvider.validateOptions({ models: [
      { id: 'a', operation: 'edit', aspectRatios: { '1024x1024': '1:1' }, maxSourceImages: 9, credits: 1, usd: 0.01 },
    ] })).toEqual([expect.stringMatching(/^models\.0\.maxSourceImages must not be greater than 8/)]);
    expect(BflProvider.validateOptions({ models: [
      { id: 'a', operation: 'generate', aspectRatios: { '1024x1024': '1:1' }, maxSourceImages: 2, credits: 1, usd: 0.01 },
      { id: 'b', operation: 'fill', aspectRatios: { '1024x1024': '1:1' }, credits: 1, usd: 0.01 },
    ] })).toEqual([
      'models.0.maxSourceImages is for edit models (a generate task takes none)',
      'models.1: a fill endpoint takes no aspect_ratio (its output keeps the source\'s size), so it needs bounds',
    ]);
  });
});
