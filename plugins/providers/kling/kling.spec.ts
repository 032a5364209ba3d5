import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerMetadataOf, ProviderError, type PollResult, type ProviderCallReport, type ProviderRequest } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import {
  KLING_ACCESS_KEY, KLING_BROKE_ACCESS_KEY, KLING_BROKE_SECRET_KEY, KLING_ERRORS, KLING_SECRET_KEY, RISK_CONTROL_FAILURE, startKlingFake, type KlingFake,
} from './fake';
import { KlingProvider } from './kling.provider';

describeProviderContract('kling', {
  plugin: KlingProvider, options: { pollIntervalMs: 250 }, credentials: { accessKey: KLING_ACCESS_KEY, secretKey: KLING_SECRET_KEY }, fake: startKlingFake,
});

describe('kling plugin', () => {
  let fake: KlingFake;
  let plugin: KlingProvider;
  const ctx = (keys = { accessKey: KLING_ACCESS_KEY, secretKey: KLING_SECRET_KEY }, more: { signal?: AbortSignal; onReport?: (r: ProviderCallReport) => void } = {}) =>
    providerTestContext({ ...more, credentials: { owner: 'platform', values: keys } });
  type VideoRequest = Extract<ProviderRequest, { operation: 'video' }>;
  const image = (more: Partial<Extract<ProviderRequest, { operation: 'generate' }>['input']> = {}): ProviderRequest =>
    ({ operation: 'generate', input: { model: 'kling-v1', prompt: 'a teal teapot', width: 1344, height: 768, format: 'png', n: 2, seed: 1, ...more } });
  const video = (more: Partial<VideoRequest['input']> = {}): VideoRequest =>
    ({ operation: 'video', input: { model: 'kling-v1-6', prompt: 'waves at dusk', width: 1280, height: 720, durationSeconds: 5, seed: 1, ...more } });
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (err: unknown) => err as ProviderError);
  const settle = async (remoteId: string): Promise<PollResult> => {
    for (let i = 0; i < 10; i++) {
      const state = await plugin.poll(remoteId, ctx());
      if (state.status !== 'pending') return state;
    }
    throw new Error('still pending');
  };
  const lastPost = () => fake.requests.filter((r) => r.method === 'POST').at(-1)!;

  beforeAll(async () => {
    fake = await startKlingFake();
    plugin = new KlingProvider({ baseUrl: fake.url, pollIntervalMs: 250 });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.pollsBeforeDone = 1;
    fake.holdMs = 0;
  });

  it('signs every request with a fresh HS256 JWT: iss the access key, valid 30 minutes, from 5 seconds ago', async () => {
    await plugin.submit(image(), ctx());
    const token = /^Bearer (.+)$/.exec(String(lastPost().headers.authorization))![1];
    const now = Math.floor(Date.now() / 1000);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims.iss).toBe(KLING_ACCESS_KEY);
    expect(claims.exp! - now).toBeGreaterThanOrEqual(1798);
    expect(claims.exp! - now).toBeLessThanOrEqual(1800);
    expect(now - claims.nbf!).toBeGreaterThanOrEqual(5);
    expect(now - claims.nbf!).toBeLessThanOrEqual(7);
  });

  it('submits an image task with the ratio and count, reports the task id and list price, and polls it to its links', async () => {
    const reports: ProviderCallReport[] = [];
    const { remoteId } = await plugin.submit(image({ negativePrompt: 'blur' }), ctx(undefined, { onReport: (r) => reports.push(r) }));
    expect(lastPost().url).toBe('/v1/images/generations');
    expect(JSON.parse(lastPost().body.toString())).toEqual({ model_name: 'kling-v1', prompt: 'a teal teapot', negative_prompt: 'blur', n: 2, aspect_ratio: '16:9' });
    const taskId = remoteId.replace('image:', '');
    expect(fake.tasks.has(taskId)).toBe(true);
    expect(reports).toEqual([{ requestId: taskId, cost: { amount: 0.028, currency: 'USD' } }]);
    expect(await plugin.poll(remoteId, ctx())).toEqual({ status: 'pending', retryAfterMs: 250 });
    const done = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    expect(fake.requests.at(-1)!.url).toBe(`/v1/images/generations/${taskId}`);
    expect(done.outputs).toHaveLength(2);
    const meta = await sharp(Buffer.from(await (await fetch((done.outputs[0] as { url: string }).url)).arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1344, 768]);
  });

  it('makes a text-to-video task of the length Kling renders (5 or 10 s) and answers its link with the duration', async () => {
    const { remoteId } = await plugin.submit(video({ durationSeconds: 8 }), ctx());
    expect(lastPost().url).toBe('/v1/videos/text2video');
    expect(JSON.parse(lastPost().body.toString())).toEqual({ model_name: 'kling-v1-6', prompt: 'waves at dusk', duration: '10', mode: 'std', aspect_ratio: '16:9' });
    const done = (await settle(remoteId)) as Extract<PollResult, { status: 'done' }>;
    expect(fake.requests.at(-1)!.url).toMatch(/^\/v1\/videos\/text2video\/\d+$/);
    expect(done.outputs).toEqual([{ url: expect.stringMatching(/\.mp4$/), mimeType: 'video/mp4', durationSeconds: 10.1 }]);
    expect((await failure(plugin.submit(video({ durationSeconds: 12 }), ctx()))).kind).toBe('invalid_input');
  });

  it('animates a first frame as image-to-video, the frame cropped to the asked size', async () => {
    const frame = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const { remoteId } = await plugin.submit(video({ model: 'kling-v1-6-pro', width: 1080, height: 1920, image: { data: frame, mimeType: 'image/png' } }), ctx());
    const body = JSON.parse(lastPost().body.toString()) as Record<string, string>;
    expect(lastPost().url).toBe('/v1/videos/image2video');
    expect({ ...body, image: undefined }).toEqual({ model_name: 'kling-v1-6', prompt: 'waves at dusk', duration: '5', mode: 'pro' });
    const sent = await sharp(Buffer.from(body.image, 'base64')).metadata();
    expect([sent.format, sent.width, sent.height]).toEqual(['jpeg', 1080, 1920]);
    expect(remoteId).toMatch(/^image2video:\d+$/);
    expect(await settle(remoteId)).toMatchObject({ status: 'done' });
    expect(fake.requests.at(-1)!.url).toBe(`/v1/videos/image2video/${remoteId.split(':')[1]}`);
  });

  it('prices images each and videos by the second of the length rendered, in credits and in dollars', () => {
    const [images, std, pro] = KlingProvider.modelsFor({});
    const quote = { operation: 'video' as const, model: 'kling-v1-6', n: 1, width: 1280, height: 720, format: 'png' as const };
    expect([std.price({ ...quote, durationSeconds: 5 }), std.price({ ...quote, durationSeconds: 7 }), std.providerPrice!({ ...quote, durationSeconds: 10 })]).toEqual([30, 60, { amount: 0.56, currency: 'USD' }]);
    expect(pro.price({ ...quote, durationSeconds: 10 })).toBe(100);
    expect(std.durations).toEqual({ seconds: [5, 10], default: 5 });
    expect(images.price({ ...quote, operation: 'generate', n: 3 })).toBe(6);
  });

  it('maps Kling\'s codes to error kinds', async () => {
    const cases: Array<[keyof typeof KLING_ERRORS, ProviderError['kind']]> = [
      ['authExpired', 'invalid_credentials'], ['arrears', 'quota_exhausted'], ['packDepleted', 'quota_exhausted'], ['invalidParams', 'invalid_input'],
      ['modelNotFound', 'unavailable'], ['contentPolicy', 'content_rejected'], ['concurrency', 'rate_limited'], ['internal', 'transient'],
    ];
    for (const [answer, kind] of cases) {
      fake.answerNext(KLING_ERRORS[answer]);
      const err = await failure(plugin.submit(image(), ctx()));
      expect([answer, err.kind, err.message]).toEqual([answer, kind, expect.stringContaining(`code ${(KLING_ERRORS[answer].body as { code: number }).code}`)]);
    }
    fake.answerNext({ status: 400, body: { code: 1300, message: 'Trigger the strategy of the platform', request_id: 'r' } });
    expect((await failure(plugin.submit(image(), ctx()))).kind).toBe('content_rejected');
  });

  it('refuses a wrong secret (401, code 1002) and an expired or empty token as the real API does', async () => {
    const err = await failure(plugin.submit(image(), ctx({ accessKey: KLING_ACCESS_KEY, secretKey: 'not-the-secret-key' })));
    expect([err.kind, err.message]).toEqual(['invalid_credentials', 'kling: Authorization is invalid (401, code 1002)']);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(KLING_ACCESS_KEY).setExpirationTime(now - 10).setNotBefore(now - 1900)
      .sign(new TextEncoder().encode(KLING_SECRET_KEY));
    const answer = async (authorization?: string) => (await fetch(`${fake.url}/v1/images/generations`, { headers: authorization ? { authorization } : {} })).json();
    expect(await answer(`Bearer ${expired}`)).toMatchObject({ code: 1004 });
    expect(await answer()).toMatchObject({ code: 1001 });
  });

  it('reports a depleted resource pack (429, code 1102) as quota_exhausted, not retried', async () => {
    const err = await failure(plugin.submit(image(), ctx({ accessKey: KLING_BROKE_ACCESS_KEY, secretKey: KLING_BROKE_SECRET_KEY })));
    expect([err.kind, err.retryable]).toEqual(['quota_exhausted', false]);
  });

  it('waits out a rate limit (429, code 1302) as Retry-After says, else 5 seconds, sending the submit once', async () => {
    const from = fake.requests.length;
    fake.failNext!('rate_limited');
    expect((await failure(plugin.submit(image(), ctx()))).retryAfterMs).toBe(5000);
    expect(fake.requests.length - from).toBe(1);
    fake.answerNext({ ...KLING_ERRORS.tooFast, headers: { 'retry-after': '2' } });
    expect((await failure(plugin.submit(image(), ctx()))).retryAfterMs).toBe(2000);
  });

  it('ends a task refused by risk control as content_rejected, another failed task as transient', async () => {
    fake.failNextTask(RISK_CONTROL_FAILURE);
    const moderated = await settle((await plugin.submit(video(), ctx())).remoteId);
    expect(moderated.status === 'failed' && [moderated.error.kind, moderated.error.message]).toEqual(['content_rejected', expect.stringContaining(RISK_CONTROL_FAILURE)]);
    fake.failNextTask('Internal rendering error');
    const crashed = await settle((await plugin.submit(image(), ctx())).remoteId);
    expect(crashed.status === 'failed' && crashed.error.kind).toBe('transient');
    expect((await failure(plugin.poll('somewhere:1', ctx()))).kind).toBe('unavailable');
  });

  it('gives up a slow submit as soon as the job is cancelled', async () => {
    fake.holdMs = 5_000;
    const controller = new AbortController();
    const started = Date.now();
    const running = plugin.submit(image(), ctx(undefined, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(running).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('checks a key pair by listing its newest image task, Kling having no account endpoint', async () => {
    expect(await plugin.health(ctx())).toEqual({ ok: true, detail: expect.stringContaining('no account endpoint') });
    expect(fake.requests.at(-1)!.url).toBe('/v1/images/generations?pageNum=1&pageSize=1');
    expect(await plugin.health(ctx({ accessKey: 'ak_unknown_key', secretKey: KLING_SECRET_KEY }))).toEqual({ ok: false, detail: expect.stringContaining('code 1002') });
    expect(await plugin.health(providerTestContext())).toEqual({ ok: false, detail: 'no access key and secret key' });
  });

  it('lists the models its options configure, and refuses options it cannot use', () => {
    expect(KlingProvider.modelsFor({}).map((m) => [m.id, m.operations[0]])).toEqual(providerMetadataOf(KlingProvider)!.models.map((m) => [m.id, m.operations[0]]));
    const custom = KlingProvider.modelsFor({ models: [{ id: 'kling-v2-1', operation: 'video', mode: 'pro', sizes: { '1920x1080': '16:9' }, credits: 9, usd: 0.09 }] });
    expect(custom).toEqual([expect.objectContaining({ id: 'kling-v2-1', operations: ['video'], sizes: ['1920x1080'] })]);
    expect(KlingProvider.validateOptions({ baseUrl: 'https://api-singapore.klingai.com', pollIntervalMs: 1000 })).toEqual([]);
    expect(KlingProvider.validateOptions({ baseUrl: 'nope', pollIntervalMs: 5, region: 'cn' })).toEqual([
      'region is not a field this plugin takes', expect.stringMatching(/^baseUrl/), expect.stringMatching(/^pollIntervalMs/),
    ]);
    expect(KlingProvider.validateOptions({ models: [
      { id: 'a', operation: 'generate', mode: 'pro', sizes: { '1024x1024': 'square' }, credits: 1, usd: 0.01 },
      { id: 'a', operation: 'video', maxImagesPerCall: 2, sizes: { '1280x720': '16:9' }, credits: 1, usd: 0.01 },
    ] })).toEqual([
      'models.0.sizes must map WIDTHxHEIGHT keys to ratios such as "16:9"',
      'models.0.mode is for video models',
      'models.1.id "a" is used twice',
      'models.1.maxImagesPerCall is for image models',
    ]);
  });
});
