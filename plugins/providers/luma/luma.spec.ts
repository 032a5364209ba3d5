import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerMetadataOf, type PollResult, type ProviderCallReport, type ProviderError, type ProviderRequest, type VideoAtUrl } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { BROKE_LUMA_KEY, LUMA_KEY, MODERATION_FAILURE, startLumaFake, type LumaFake } from './fake';
import { DEFAULT_MODELS } from './luma-options.dto';
import { LumaProvider } from './luma.provider';

describeProviderContract('luma', { plugin: LumaProvider, options: { pollIntervalMs: 250 }, credentials: { apiKey: LUMA_KEY }, fake: startLumaFake });

describe('luma plugin', () => {
  let fake: LumaFake;
  let plugin: LumaProvider;
  let reports: ProviderCallReport[];
  const ctx = (apiKey = LUMA_KEY, signal?: AbortSignal) =>
    providerTestContext({ signal, credentials: { owner: 'platform', values: { apiKey } }, onReport: (r) => reports.push(r) });
  type VideoRequest = Extract<ProviderRequest, { operation: 'video' }>;
  const video = (more: Partial<VideoRequest['input']> = {}): VideoRequest =>
    ({ operation: 'video', input: { model: 'ray-2', prompt: 'a teal teapot spinning', width: 1280, height: 720, durationSeconds: 5, seed: 42, ...more } });
  const since = (from: number) => fake.requests.slice(from).map((r) => `${r.method} ${r.url}`);
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (err: unknown) => err as ProviderError);
  const settle = async (remoteId: string): Promise<PollResult> => {
    for (let i = 0; i < 10; i++) {
      const state = await plugin.poll(remoteId, ctx());
      if (state.status !== 'pending') return state;
    }
    throw new Error('still pending');
  };

  beforeAll(async () => {
    fake = await startLumaFake();
    plugin = new LumaProvider({ baseUrl: fake.url, pollIntervalMs: 300 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.pollsBeforeDone = 1;
    fake.holdMs = 0;
    reports = [];
  });

  it('lists its models with their sizes and lengths, priced per pixel rendered in credits and US dollars', () => {
    const models = LumaProvider.modelsFor({});
    expect(models.map((m) => [m.id, m.operations, m.sizes, m.durations])).toEqual([
      ['ray-2', ['video'], ['1280x720', '720x1280'], { seconds: [5, 9], default: 5 }],
      ['ray-flash-2', ['video'], ['1280x720', '720x1280'], { seconds: [5, 9], default: 5 }],
    ]);
    const quote = { operation: 'video' as const, model: 'ray-2', n: 1, width: 1280, height: 720, format: 'png' as const, durationSeconds: 5 };
    // 1280 x 720 x 24 frames x 5 s = 110.6 megapixels at $0.0064.
    expect([models[0].price(quote), models[0].providerPrice!(quote)]).toEqual([71, { amount: 0.7078, currency: 'USD' }]);
    expect(models[1].price(quote)).toBe(25);
    // 6 seconds asked is 9 rendered, and priced so.
    expect(models[0].price({ ...quote, durationSeconds: 6 })).toBe(128);
    expect(LumaProvider.modelsFor({}).map((m) => m.id)).toEqual(providerMetadataOf(LumaProvider)!.models.map((m) => m.id));
  });

  it('creates a generation through the core fetch, reports its id and list price, then answers the video link once completed', async () => {
    const fetched: string[] = [];
    const base = ctx();
    const counting = { ...base, http: { fetch: (input: string | URL | Request, init?: RequestInit) => { fetched.push(String(input)); return base.http.fetch(input, init); } } };
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit(video(), counting);
    const create = fake.requests[from];
    expect([create.url, create.headers.authorization]).toEqual(['/dream-machine/v1/generations/video', `Bearer ${LUMA_KEY}`]);
    expect(JSON.parse(create.body.toString())).toEqual({ model: 'ray-2', prompt: 'a teal teapot spinning', aspect_ratio: '16:9', duration: '5s', resolution: '720p', generation_type: 'video' });
    expect(fetched).toEqual([`${fake.url}/generations/video`]);
    expect(reports).toEqual([{ requestId: remoteId, cost: { amount: 0.7078, currency: 'USD' } }]);

    expect(await plugin.poll(remoteId, ctx())).toEqual({ status: 'pending', retryAfterMs: 300 });
    const done = (await plugin.poll(remoteId, ctx())) as Extract<PollResult, { status: 'done' }>;
    expect(done.status).toBe('done');
    const [output] = done.outputs as VideoAtUrl[];
    expect(output).toEqual({ url: expect.stringMatching(new RegExp(`/files/${remoteId}\\.mp4$`)), mimeType: 'video/mp4', durationSeconds: 5 });
    expect(since(from)).toEqual(['POST /dream-machine/v1/generations/video', `GET /dream-machine/v1/generations/${remoteId}`, `GET /dream-machine/v1/generations/${remoteId}`]);
    const file = Buffer.from(await (await fetch(output.url)).arrayBuffer());
    expect(file.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('asks for the shortest length at least as long as asked, and a portrait video as 9:16', async () => {
    const { remoteId } = await plugin.submit(video({ model: 'ray-flash-2', width: 720, height: 1280, durationSeconds: 6 }), ctx());
    expect(fake.generations.get(remoteId)?.request).toMatchObject({ model: 'ray-flash-2', aspect_ratio: '9:16', duration: '9s' });
    const done = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    expect((done.outputs[0] as VideoAtUrl).durationSeconds).toBe(9);
  });

  it('refuses a first frame (Luma takes one only as a public URL) and a length the model does not reach, before calling Luma', async () => {
    const from = fake.requests.length;
    const image = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const framed = await failure(plugin.submit(video({ image: { data: image, mimeType: 'image/png' } }), ctx()));
    expect([framed.kind, framed.message]).toEqual(['invalid_input', expect.stringContaining('only as a public image URL')]);
    const tooLong = await failure(plugin.submit(video({ durationSeconds: 10 }), ctx()));
    expect([tooLong.kind, tooLong.message]).toEqual(['invalid_input', 'luma: ray-2 renders at most 9 seconds']);
    expect(since(from)).toEqual([]);
  });

  it('reports a generation failed by moderation as content_rejected and another failure as transient', async () => {
    fake.failNextGeneration(MODERATION_FAILURE);
    const moderated = await settle((await plugin.submit(video(), ctx())).remoteId);
    expect(moderated.status === 'failed' && [moderated.error.kind, moderated.error.message]).toEqual(['content_rejected', expect.stringContaining('moderation failed')]);
    fake.failNextGeneration('Job failed: internal error');
    const crashed = await settle((await plugin.submit(video(), ctx())).remoteId);
    expect(crashed.status === 'failed' && crashed.error.kind).toBe('transient');
  });

  it('maps a refused key, spent credits, bad input and a model Luma refuses', async () => {
    expect((await failure(plugin.submit(video(), ctx('luma-not-a-real-key')))).kind).toBe('invalid_credentials');
    const broke = await failure(plugin.submit(video(), ctx(BROKE_LUMA_KEY)));
    expect([broke.kind, broke.retryable, broke.message]).toEqual(['quota_exhausted', false, expect.stringContaining('Insufficient credits')]);
    fake.answerNext({ status: 400, body: { detail: 'Not enough credits to run this generation' } });
    expect((await failure(plugin.submit(video(), ctx()))).kind).toBe('quota_exhausted');
    fake.failNext!('invalid_input');
    const bad = await failure(plugin.submit(video(), ctx()));
    expect([bad.kind, bad.message]).toEqual(['invalid_input', expect.stringContaining('prompt: String should have at least 1 character')]);
    const gone = new LumaProvider({ baseUrl: fake.url, models: [{ ...DEFAULT_MODELS[0], id: 'ray-1', model: 'ray-1' }] });
    expect((await failure(gone.submit(video({ model: 'ray-1' }), ctx()))).kind).toBe('unavailable');
  });

  it('sends a rate-limited or failing create once, waiting as Retry-After says or else a backoff step', async () => {
    fake.failNext!('rate_limited');
    const from = fake.requests.length;
    const limited = await failure(plugin.submit(video(), ctx()));
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 5_000]);
    expect(since(from)).toHaveLength(1);
    fake.answerNext({ status: 429, headers: { 'retry-after': '7' }, body: { detail: 'Too many requests' } });
    expect((await failure(plugin.submit(video(), ctx()))).retryAfterMs).toBe(7_000);
    fake.failNext!('transient');
    const before = fake.requests.length;
    expect((await failure(plugin.submit(video(), ctx()))).kind).toBe('transient');
    expect(fake.requests.length - before).toBe(1);
  });

  it('deletes a generation when the job is cancelled; a generation Luma no longer has is work to start again', async () => {
    fake.pollsBeforeDone = 5;
    const { remoteId } = await plugin.submit(video(), ctx());
    const from = fake.requests.length;
    await plugin.cancel(remoteId, ctx());
    expect(since(from)).toEqual([`DELETE /dream-machine/v1/generations/${remoteId}`]);
    const gone = await plugin.poll(remoteId, ctx());
    expect(gone.status === 'failed' && [gone.error.kind, gone.error.message]).toEqual(['transient', `luma: generation ${remoteId} no longer exists`]);
  });

  it('gives up a slow create as soon as the job is cancelled', async () => {
    fake.holdMs = 5_000;
    const controller = new AbortController();
    const started = Date.now();
    const running = plugin.submit(video(), ctx(LUMA_KEY, controller.signal));
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(running).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("checks its key against the account's credits", async () => {
    const from = fake.requests.length;
    expect(await plugin.health(ctx())).toEqual({ ok: true });
    expect(since(from)).toEqual(['GET /dream-machine/v1/credits']);
    expect(await plugin.health(ctx('luma-not-a-real-key'))).toEqual({ ok: false, detail: expect.stringContaining('Invalid API key') });
    expect(await plugin.health(providerTestContext())).toEqual({ ok: false, detail: 'no API key' });
  });

  it('refuses options it cannot use, naming each problem', () => {
    expect(LumaProvider.validateOptions({})).toEqual([]);
    expect(LumaProvider.validateOptions({ baseUrl: 'not a url', pollIntervalMs: 10, colour: 'red' })).toEqual([
      'colour is not a field this plugin takes', expect.stringMatching(/^baseUrl/), expect.stringMatching(/^pollIntervalMs/),
    ]);
    expect(LumaProvider.validateOptions({ models: [{ ...DEFAULT_MODELS[0], resolution: '8k' }] })).toEqual([expect.stringMatching(/^models\.0\.resolution/)]);
    expect(LumaProvider.validateOptions({ models: [{ ...DEFAULT_MODELS[0], sizes: { big: '16:9', '960x960': '5:5' } }, DEFAULT_MODELS[0]] })).toEqual([
      'models.0.sizes must map WIDTHxHEIGHT keys to aspect ratios', "models.0.sizes' aspect ratios must be some of 1:1, 16:9, 9:16, 4:3, 3:4, 21:9, 9:21",
      'models.1.id "ray-2" is used twice',
    ]);
  });
});
