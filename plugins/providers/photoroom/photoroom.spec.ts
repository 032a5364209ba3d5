import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { optionProblems, ProviderError, type ProviderCallContext, type ProviderCallReport, type RemoveBackgroundInput } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { PHOTOROOM_KEY, startPhotoroomFake, type PhotoroomFailure, type PhotoroomFake } from './fake';
import { PhotoroomCredentials } from './photoroom-options.dto';
import { PhotoroomProvider } from './photoroom.provider';

describeProviderContract('photoroom', { plugin: PhotoroomProvider, credentials: { apiKey: PHOTOROOM_KEY }, fake: startPhotoroomFake });

describe('photoroom plugin', () => {
  let fake: PhotoroomFake;
  let plugin: PhotoroomProvider;
  let reports: ProviderCallReport[];
  const ctx = (signal?: AbortSignal, apiKey = PHOTOROOM_KEY): ProviderCallContext =>
    providerTestContext({ signal, credentials: { owner: 'platform', values: { apiKey } }, onReport: (r) => reports.push(r) });
  const photo = () => sharp({ create: { width: 400, height: 300, channels: 3, background: '#2255aa' } }).jpeg().toBuffer();
  const input = async (over: Partial<RemoveBackgroundInput> = {}): Promise<RemoveBackgroundInput> =>
    ({ model: 'segment', image: { data: await photo(), mimeType: 'image/jpeg' }, format: 'png', ...over });
  const lastForm = async () => {
    const req = fake.requests.at(-1)!;
    return Object.fromEntries(await new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData());
  };
  const pixels = async (image: { data?: Buffer }) => sharp(image.data).raw().toBuffer({ resolveWithObject: true });
  const failureOf = (call: Promise<unknown>) => call.then(() => 'resolved', (e: unknown) => (e instanceof ProviderError ? e : String(e)));

  beforeAll(async () => {
    fake = await startPhotoroomFake();
  });
  beforeEach(() => {
    fake.delayMs = 0;
    fake.imagesLeft = 100;
    reports = [];
    plugin = new PhotoroomProvider({ baseUrl: fake.url });
  });
  afterAll(() => fake.close());

  it('posts the image to /v1/segment as multipart, and answers a transparent cut-out', async () => {
    const [out] = await plugin.removeBackground(await input(), ctx());
    const req = fake.requests.at(-1)!;
    expect(req.url).toBe('/v1/segment');
    expect(req.headers).toMatchObject({ 'x-api-key': PHOTOROOM_KEY, accept: 'image/*' });
    const form = await lastForm();
    expect({ format: form.format, channels: form.channels, bg_color: form.bg_color, size: form.size }).toEqual({ format: 'png', channels: 'rgba', bg_color: undefined, size: undefined });
    expect(form.image_file).toBeInstanceOf(Blob);
    expect(out).toMatchObject({ format: 'png', width: 400, height: 300 });
    const { data, info } = await pixels(out as { data: Buffer });
    expect(info.channels).toBe(4);
    expect([data[3], data[(150 * 400 + 200) * 4 + 3]]).toEqual([0, 255]);
  });

  it('lays the product on the bgColor option, a white packshot, at the size asked', async () => {
    plugin = new PhotoroomProvider({ baseUrl: fake.url, bgColor: 'FFFFFF', size: 'preview' });
    const [out] = await plugin.removeBackground(await input({ format: 'jpeg' }), ctx());
    const form = await lastForm();
    expect({ format: form.format, bg_color: form.bg_color, size: form.size }).toEqual({ format: 'jpg', bg_color: 'FFFFFF', size: 'preview' });
    const { data, info } = await pixels(out as { data: Buffer });
    expect(out.format).toBe('jpeg');
    expect(info.channels).toBe(3);
    expect([...data.subarray(0, 3)].every((v) => v > 250)).toBe(true);
  });

  it('reports the request id and the list price in dollars', async () => {
    await plugin.removeBackground(await input(), ctx());
    expect(reports).toEqual([{ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), cost: { amount: 0.02, currency: 'USD' } }]);
    const [model] = PhotoroomProvider.modelsFor({ credits: 3 });
    const quote = { operation: 'removeBackground' as const, model: 'segment', n: 2, width: 500, height: 500, format: 'png' as const };
    expect([model.price(quote), model.providerPrice!(quote)]).toEqual([6, { amount: 0.04, currency: 'USD' }]);
  });

  describe("Photoroom's errors", () => {
    const cases: [PhotoroomFailure, string][] = [
      ['forbidden', 'invalid_credentials'],
      ['payment_required', 'quota_exhausted'],
      ['missing_image', 'invalid_input'],
      ['rate_limited', 'rate_limited'],
      ['internal_error', 'transient'],
    ];
    it.each(cases)('%s is %s', async (failure, kind) => {
      fake.failNextWith(failure);
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ kind, detail: failure });
    });

    it('says what Photoroom said, from the Basic and the v2 envelopes', async () => {
      fake.imagesLeft = 0;
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ kind: 'quota_exhausted', message: expect.stringMatching(/^photoroom: API credits exhausted/) });
      fake.failNextWith({ status: 402, body: { error: { detail: 'API credits exhausted, please top up' } } });
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ kind: 'quota_exhausted', message: expect.stringMatching(/^photoroom: API credits exhausted, please top up/) });
    });

    it('a 429 waits as Retry-After says, else 5 seconds', async () => {
      fake.failNextWith('rate_limited');
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ retryAfterMs: 2_000 });
      fake.failNextWith({ status: 429, body: { detail: 'Too many requests', status_code: 429, type: 'rate_limited' } });
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ retryAfterMs: 5_000 });
    });
  });

  it('stops a slow answer when the call is cancelled', async () => {
    fake.delayMs = 5_000;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(plugin.removeBackground(await input(), ctx(controller.signal))).rejects.toBeDefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  describe('health', () => {
    it("reads the account on baseUrl when no account host is given, and a wrong key fails it", async () => {
      expect(await plugin.health(ctx())).toEqual({ ok: true, detail: '100 images left' });
      expect(fake.requests.at(-1)!.url).toBe('/v2/account');
      expect(await failureOf(plugin.health(ctx(undefined, 'not-the-key')))).toMatchObject({ kind: 'invalid_credentials' });
    });

    it('reads it on accountBaseUrl when given', async () => {
      const sent = fake.requests.length;
      plugin = new PhotoroomProvider({ baseUrl: 'http://127.0.0.1:9', accountBaseUrl: `${fake.url}/` });
      await plugin.health(ctx());
      expect(fake.requests.slice(sent).map((r) => r.url)).toEqual(['/v2/account']);
    });
  });

  describe('options and credentials', () => {
    it('takes none (the defaults) or valid ones', () => {
      expect(PhotoroomProvider.validateOptions({})).toEqual([]);
      expect(PhotoroomProvider.validateOptions({ baseUrl: 'https://sdk.photoroom.com', accountBaseUrl: 'https://image-api.photoroom.com', bgColor: '#F5F5F5', size: 'hd', credits: 3 })).toEqual([]);
      expect(PhotoroomProvider.validateOptions({ bgColor: 'white' })).toEqual([]);
    });

    it('refuses bad ones at start, each named', () => {
      const problems = PhotoroomProvider.validateOptions({ baseUrl: 'photoroom', accountBaseUrl: 'ftp://x', bgColor: 'rgb(1,2,3)', size: 'huge', credits: 0, crop: true });
      expect(problems).toHaveLength(6);
      for (const field of ['baseUrl', 'accountBaseUrl', 'bgColor', 'size', 'credits', 'crop']) expect(problems.join('\n')).toContain(field);
    });

    it('needs an API key', () => {
      expect(optionProblems(PhotoroomCredentials, {}).join('\n')).toContain('apiKey');
      expect(optionProblems(PhotoroomCredentials, { apiKey: PHOTOROOM_KEY })).toEqual([]);
    });
  });
});
