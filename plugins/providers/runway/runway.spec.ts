import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerMetadataOf, type PollResult, type ProviderCallReport, type ProviderError, type ProviderRequest, type VideoAtUrl } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { BROKE_RUNWAY_SECRET, RUNWAY_SECRET, startRunwayFake, type RunwayFake } from './fake';
import { DEFAULT_MODELS } from './runway-options.dto';
import { RunwayProvider } from './runway.provider';

// The suite's tiny video request carries no first frame, which Gen-4 Turbo requires: it runs on the models that can start from a prompt.
describeProviderContract('runway', {
  plugin: RunwayProvider,
  options: { models: DEFAULT_MODELS.filter((m) => m.firstFrame === 'optional'), pollIntervalMs: 250 },
  credentials: { apiSecret: RUNWAY_SECRET },
  fake: startRunwayFake,
});

describe('runway plugin', () => {
  let fake: RunwayFake;
  let plugin: RunwayProvider;
  let reports: ProviderCallReport[];
  const ctx = (apiSecret = RUNWAY_SECRET, signal?: AbortSignal) =>
    providerTestContext({ signal, credentials: { owner: 'platform', values: { apiSecret } }, onReport: (r) => reports.push(r) });
  type VideoRequest = Extract<ProviderRequest, { operation: 'video' }>;
  const video = (more: Partial<VideoRequest['input']> = {}): VideoRequest =>
    ({ operation: 'video', input: { model: 'gen4.5', prompt: 'a teal teapot spinning', width: 1280, height: 720, durationSeconds: 5, seed: 42, ...more } });
  const since = (from: number) => fake.requests.slice(from).map((r) => `${r.method} ${r.url}`);
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (err: unknown) => err as ProviderError);
  const settle = async (remoteId: string): Promise<PollResult> => {
    for (let i = 0; i < 10; i++) {
      const state = await plugin.poll(remoteId, ctx());
      if (state.status !== 'pending') return state;
    }
    throw new Error('still pending');
  };
  const frame = () => sharp({ create: { width: 64, height: 36, channels: 3, background: '#3366cc' } }).png().toBuffer();

  beforeAll(async () => {
    fake = await startRunwayFake();
    plugin = new RunwayProvider({ baseUrl: fake.url, pollIntervalMs: 300 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.pollsBeforeDone = 1;
    fake.holdMs = 0;
    reports = [];
  });

  it('lists its models with their ratios as sizes, their lengths, and per-second prices in credits and Runway credits', () => {
    const models = RunwayProvider.modelsFor({});
    expect(models.map((m) => [m.id, m.operations, m.durations?.default])).toEqual([
      ['gen4.5', ['video'], 5], ['veo3.1', ['video'], 4], ['veo3.1-fast', ['video'], 4], ['gen4-turbo', ['video'], 5],
    ]);
    expect(models[0].sizes).toEqual(['1280x720', '720x1280']);
    const quote = { operation: 'video' as const, model: 'gen4.5', n: 1, width: 1280, height: 720, format: 'png' as const, durationSeconds: 5 };
    expect([models[0].price(quote), models[0].providerPrice!(quote)]).toEqual([60, { amount: 60, currency: 'runway-credits' }]);
    // Veo renders 4, 6 or 8 seconds: 5 asked is 6 rendered, and priced so.
    expect(models[1].price({ ...quote, model: 'veo3.1' })).toBe(120);
    expect(RunwayProvider.modelsFor({ models: [DEFAULT_MODELS[3]] }).map((m) => m.id)).toEqual(['gen4-turbo']);
    expect(RunwayProvider.modelsFor({}).map((m) => m.id)).toEqual(providerMetadataOf(RunwayProvider)!.models.map((m) => m.id));
  });

  it('starts a text-to-video task through the core fetch, reports its id and estimated cost, its progress, then answers the video link', async () => {
    const fetched: string[] = [];
    const base = ctx();
    const counting = { ...base, http: { fetch: (input: string | URL | Request, init?: RequestInit) => { fetched.push(String(input)); return base.http.fetch(input, init); } } };
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit(video(), counting);
    expect(fetched).toEqual([`${fake.url}/v1/text_to_video`]);
    const create = fake.requests[from];
    expect(create.url).toBe('/v1/text_to_video');
    expect([create.headers.authorization, create.headers['x-runway-version']]).toEqual([`Bearer ${RUNWAY_SECRET}`, '2024-11-06']);
    expect(JSON.parse(create.body.toString())).toEqual({ model: 'gen4.5', promptText: 'a teal teapot spinning', ratio: '1280:720', duration: 5, seed: 42 });
    const [taskId] = [...fake.tasks.keys()].slice(-1);
    expect(reports).toEqual([{ requestId: taskId, cost: { amount: 60, currency: 'runway-credits' } }]);

    expect(await plugin.poll(remoteId, ctx())).toEqual({ status: 'pending', retryAfterMs: 300 });
    expect(reports.at(-1)).toEqual({ progress: 0.5 });
    const done = (await plugin.poll(remoteId, ctx())) as Extract<PollResult, { status: 'done' }>;
    expect(done.status).toBe('done');
    const [output] = done.outputs as VideoAtUrl[];
    expect(output).toEqual({ url: `${fake.url}/files/${taskId}.mp4`, mimeType: 'video/mp4', durationSeconds: 5 });
    expect(reports.at(-1)).toEqual({ cost: { amount: 60, currency: 'runway-credits' }, progress: 1 });
    expect(since(from)).toEqual(['POST /v1/text_to_video', `GET /v1/tasks/${taskId}`, `GET /v1/tasks/${taskId}`]);
    const file = Buffer.from(await (await fetch(output.url)).arrayBuffer());
    expect(file.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('waits out PENDING and THROTTLED tasks', async () => {
    fake.pollsBeforeDone = 3;
    const { remoteId } = await plugin.submit(video(), ctx());
    const states: string[] = [];
    for (let i = 0; i < 4; i++) states.push((await plugin.poll(remoteId, ctx())).status);
    expect(states).toEqual(['pending', 'pending', 'pending', 'done']);
  });

  it('animates a first frame (image-to-video, the image as a data URI), sending Veo its negative prompt and the shortest length at least as long as asked', async () => {
    const image = await frame();
    const from = fake.requests.length;
    const { remoteId } = await plugin.submit(video({ model: 'veo3.1', negativePrompt: 'blur', durationSeconds: 5, image: { data: image, mimeType: 'image/png' } }), ctx());
    expect(fake.requests[from].url).toBe('/v1/image_to_video');
    expect(JSON.parse(fake.requests[from].body.toString())).toEqual({
      audio: false, model: 'veo3.1', promptText: 'a teal teapot spinning', ratio: '1280:720', duration: 6, seed: 42, negativePrompt: 'blur',
      promptImage: `data:image/png;base64,${image.toString('base64')}`,
    });
    const done = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    expect((done.outputs[0] as VideoAtUrl).durationSeconds).toBe(6);
  });

  it('refuses a model that needs a first frame when none is sent, and a length the model does not reach, before calling Runway', async () => {
    const from = fake.requests.length;
    const noFrame = await failure(plugin.submit(video({ model: 'gen4-turbo' }), ctx()));
    expect([noFrame.kind, noFrame.message]).toEqual(['invalid_input', expect.stringContaining('gen4-turbo animates a first frame')]);
    const tooLong = await failure(plugin.submit(video({ durationSeconds: 12 }), ctx()));
    expect([tooLong.kind, tooLong.message]).toEqual(['invalid_input', 'runway: gen4.5 renders at most 10 seconds']);
    expect(since(from)).toEqual([]);
    const { remoteId } = await plugin.submit(video({ model: 'gen4-turbo', width: 960, height: 960, image: { data: await frame(), mimeType: 'image/png' } }), ctx());
    expect(fake.tasks.get(remoteId.split(':')[0])?.body).toMatchObject({ model: 'gen4_turbo', ratio: '960:960', duration: 5 });
  });

  it('reports a task refused by moderation (SAFETY.*) as content_rejected and Runway failing its output (INTERNAL.*) as transient', async () => {
    fake.failNextTask('SAFETY.INPUT.TEXT', 'The prompt text did not pass content moderation.');
    const moderated = await settle((await plugin.submit(video(), ctx())).remoteId);
    expect(moderated.status === 'failed' && [moderated.error.kind, moderated.error.message]).toEqual(['content_rejected', expect.stringContaining('SAFETY.INPUT.TEXT')]);
    expect(reports.at(-1)).toEqual({ cost: { amount: 0, currency: 'runway-credits' } });
    fake.failNextTask('INTERNAL.BAD_OUTPUT.CODE01');
    const bad = await settle((await plugin.submit(video(), ctx())).remoteId);
    expect(bad.status === 'failed' && bad.error.kind).toBe('transient');
  });

  it('maps a refused key, a spent balance, bad input and a model Runway refuses', async () => {
    expect((await failure(plugin.submit(video(), ctx('key_not_a_real_one')))).kind).toBe('invalid_credentials');
    const broke = await failure(plugin.submit(video(), ctx(BROKE_RUNWAY_SECRET)));
    expect([broke.kind, broke.retryable, broke.message]).toEqual(['quota_exhausted', false, expect.stringContaining('enough credits')]);
    fake.failNext!('invalid_input');
    const bad = await failure(plugin.submit(video(), ctx()));
    expect([bad.kind, bad.message]).toEqual(['invalid_input', expect.stringContaining('promptText: Too big')]);
    const gone = new RunwayProvider({ baseUrl: fake.url, models: [{ ...DEFAULT_MODELS[0], id: 'gen3', model: 'gen3a_turbo' }] });
    expect((await failure(gone.submit(video({ model: 'gen3' }), ctx()))).kind).toBe('unavailable');
  });

  it('sends a rate-limited or overloaded create once, waiting as Retry-After says or else a backoff step', async () => {
    fake.failNext!('rate_limited');
    const from = fake.requests.length;
    const limited = await failure(plugin.submit(video(), ctx()));
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 5_000]);
    expect(since(from)).toHaveLength(1);
    fake.answerNext({ status: 429, headers: { 'retry-after': '7' }, body: { error: 'Too many requests.' } });
    expect((await failure(plugin.submit(video(), ctx()))).retryAfterMs).toBe(7_000);
    fake.failNext!('transient');
    const before = fake.requests.length;
    expect((await failure(plugin.submit(video(), ctx()))).kind).toBe('transient');
    expect(fake.requests.length - before).toBe(1);
  });

  it('cancels a running task (DELETE), whose poll then answers failed; a task Runway no longer has is work to start again', async () => {
    fake.pollsBeforeDone = 5;
    const { remoteId } = await plugin.submit(video(), ctx());
    const taskId = remoteId.split(':')[0];
    const from = fake.requests.length;
    await plugin.cancel(remoteId, ctx());
    expect(since(from)).toEqual([`DELETE /v1/tasks/${taskId}`]);
    const cancelled = await plugin.poll(remoteId, ctx());
    expect(cancelled.status === 'failed' && cancelled.error.kind).toBe('unavailable');
    await plugin.cancel(remoteId, ctx());
    const gone = await plugin.poll(remoteId, ctx());
    expect(gone.status === 'failed' && [gone.error.kind, gone.error.message]).toEqual(['transient', `runway: task ${taskId} no longer exists`]);
  });

  it('gives up a slow create as soon as the job is cancelled', async () => {
    fake.holdMs = 5_000;
    const controller = new AbortController();
    const started = Date.now();
    const running = plugin.submit(video(), ctx(RUNWAY_SECRET, controller.signal));
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(running).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("checks its secret against the organisation's account", async () => {
    const from = fake.requests.length;
    expect(await plugin.health(ctx())).toEqual({ ok: true });
    expect(since(from)).toEqual(['GET /v1/organization']);
    expect(await plugin.health(ctx('key_not_a_real_one'))).toEqual({ ok: false, detail: expect.stringContaining('API key you provided is incorrect') });
    expect(await plugin.health(providerTestContext())).toEqual({ ok: false, detail: 'no API secret' });
  });

  it('refuses options it cannot use, naming each problem', () => {
    expect(RunwayProvider.validateOptions({})).toEqual([]);
    expect(RunwayProvider.validateOptions({ baseUrl: 'not a url', pollIntervalMs: 10, colour: 'red' })).toEqual([
      'colour is not a field this plugin takes', expect.stringMatching(/^baseUrl/), expect.stringMatching(/^pollIntervalMs/),
    ]);
    expect(RunwayProvider.validateOptions({ models: [{ ...DEFAULT_MODELS[0], ratios: ['1280x720'] }] })).toEqual([expect.stringContaining('WIDTH:HEIGHT')]);
    expect(RunwayProvider.validateOptions({ models: [{ ...DEFAULT_MODELS[0], durations: [5, 2] }, DEFAULT_MODELS[0]] })).toEqual([
      'models.0.durations must be listed shortest first, each once', 'models.1.id "gen4.5" is used twice',
    ]);
  });
});
