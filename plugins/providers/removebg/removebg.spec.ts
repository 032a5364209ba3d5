import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { optionProblems, ProviderError, type ProviderCallContext, type ProviderCallReport, type RemoveBackgroundInput } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { REMOVEBG_KEY, startRemoveBgFake, type RemoveBgFailure, type RemoveBgFake } from './fake';
import { RemoveBgCredentials } from './removebg-options.dto';
import { RemoveBgProvider } from './removebg.provider';

describeProviderContract('removebg', { plugin: RemoveBgProvider, credentials: { apiKey: REMOVEBG_KEY }, fake: startRemoveBgFake });

describe('removebg plugin', () => {
  let fake: RemoveBgFake;
  let plugin: RemoveBgProvider;
  let reports: ProviderCallReport[];
  const ctx = (signal?: AbortSignal, apiKey = REMOVEBG_KEY): ProviderCallContext =>
    providerTestContext({ signal, credentials: { owner: 'platform', values: { apiKey } }, onReport: (r) => reports.push(r) });
  const photo = (width = 800, height = 600) => sharp({ create: { width, height, channels: 3, background: '#c0392b' } }).jpeg().toBuffer();
  const input = async (over: Partial<RemoveBackgroundInput> = {}): Promise<RemoveBackgroundInput> =>
    ({ model: 'removebg', image: { data: await photo(), mimeType: 'image/jpeg' }, format: 'png', ...over });
  const lastForm = async () => {
    const req = fake.requests.at(-1)!;
    return new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
  };
  const failureOf = (call: Promise<unknown>) => call.then(() => 'resolved', (e: unknown) => (e instanceof ProviderError ? e : String(e)));

  beforeAll(async () => {
    fake = await startRemoveBgFake();
  });
  beforeEach(() => {
    fake.delayMs = 0;
    fake.credits = 100;
    reports = [];
    plugin = new RemoveBgProvider({ baseUrl: fake.url, type: 'product' });
  });
  afterAll(() => fake.close());

  it('posts the image as multipart with the size, type and format, and answers the cut-out with its alpha', async () => {
    const [out] = await plugin.removeBackground(await input(), ctx());
    const req = fake.requests.at(-1)!;
    expect(req.url).toBe('/v1.0/removebg');
    expect(req.headers).toMatchObject({ 'x-api-key': REMOVEBG_KEY, accept: 'image/*' });
    const form = await lastForm();
    expect({ size: form.get('size'), type: form.get('type'), format: form.get('format') }).toEqual({ size: 'auto', type: 'product', format: 'png' });
    expect(form.get('image_file')).toBeInstanceOf(Blob);
    expect(out).toMatchObject({ format: 'png', width: 800, height: 600 });
    const { data, info } = await sharp((out as { data: Buffer }).data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect([data[3], data[(300 * 800 + 400) * 4 + 3]]).toEqual([0, 255]);
  });

  it('reports the request id and what remove.bg charged, in its credits', async () => {
    await plugin.removeBackground(await input(), ctx());
    expect(reports).toEqual([{ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), cost: { amount: 1, currency: 'removebg-credits' } }]);
    expect(fake.credits).toBe(99);
  });

  it('at the preview size, asks for it, is charged a quarter credit, and prices a quarter', async () => {
    plugin = new RemoveBgProvider({ baseUrl: fake.url, size: 'preview' });
    const [out] = await plugin.removeBackground(await input(), ctx());
    expect((await lastForm()).get('size')).toBe('preview');
    expect(out.width * out.height).toBeLessThanOrEqual(250_000);
    expect(reports.at(-1)?.cost).toEqual({ amount: 0.25, currency: 'removebg-credits' });
    const [model] = RemoveBgProvider.modelsFor({ size: 'preview' });
    const quote = { operation: 'removeBackground' as const, model: 'removebg', n: 1, width: 500, height: 500, format: 'png' as const };
    expect([model.price(quote), model.providerPrice!(quote)]).toEqual([5, { amount: 0.25, currency: 'removebg-credits' }]);
    expect(RemoveBgProvider.modelsFor({ credits: 30 })[0].price(quote)).toBe(30);
  });

  it('converts the PNG it asks for to WebP when that is the format asked', async () => {
    const [out] = await plugin.removeBackground(await input({ format: 'webp' }), ctx());
    expect((await lastForm()).get('format')).toBe('png');
    expect(out.format).toBe('webp');
    expect((await sharp((out as { data: Buffer }).data).metadata()).format).toBe('webp');
  });

  describe("remove.bg's errors", () => {
    const cases: [RemoveBgFailure, string][] = [
      ['auth_failed', 'invalid_credentials'],
      ['missing_key', 'invalid_credentials'],
      ['insufficient_credits', 'quota_exhausted'],
      ['unknown_foreground', 'invalid_input'],
      ['file_too_large', 'invalid_input'],
      ['rate_limit_exceeded', 'rate_limited'],
      ['internal_error', 'transient'],
    ];
    it.each(cases)('%s is %s', async (failure, kind) => {
      fake.failNextWith(failure);
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ kind });
    });

    it('a wrong key is refused as the key, with what remove.bg said', async () => {
      const failure = (await failureOf(plugin.removeBackground(await input(), ctx(undefined, 'not-the-key')))) as ProviderError;
      expect(failure).toMatchObject({ kind: 'invalid_credentials', message: 'removebg: API Key invalid', detail: 'auth_failed' });
    });

    it('an account out of credits is quota_exhausted, from the balance itself', async () => {
      fake.credits = 0.5;
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ kind: 'quota_exhausted', detail: 'insufficient_credits' });
    });

    it('a 429 waits as Retry-After says, else until X-RateLimit-Reset, else a minute', async () => {
      fake.failNextWith('rate_limit_exceeded');
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1_000 });
      const reset = String(Math.ceil(Date.now() / 1000) + 30);
      fake.failNextWith({ status: 429, headers: { 'x-ratelimit-reset': reset }, body: { errors: [{ title: 'Rate limit exceeded' }] } });
      const failure = (await failureOf(plugin.removeBackground(await input(), ctx()))) as ProviderError;
      expect(failure.retryAfterMs).toBeGreaterThan(25_000);
      expect(failure.retryAfterMs).toBeLessThanOrEqual(31_000);
      fake.failNextWith({ status: 429, body: { errors: [{ title: 'Rate limit exceeded' }] } });
      expect(await failureOf(plugin.removeBackground(await input(), ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
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

  it("reads the account's credits as its health, and a wrong key fails it", async () => {
    expect(await plugin.health(ctx())).toEqual({ ok: true, detail: '100 credits left' });
    expect(fake.requests.at(-1)!.url).toBe('/v1.0/account');
    expect(await failureOf(plugin.health(ctx(undefined, 'not-the-key')))).toMatchObject({ kind: 'invalid_credentials' });
  });

  describe('options and credentials', () => {
    it('takes none (the defaults) or valid ones', () => {
      expect(RemoveBgProvider.validateOptions({})).toEqual([]);
      expect(RemoveBgProvider.validateOptions({ baseUrl: 'https://api.remove.bg/v1.0', size: 'full', type: 'car', credits: 25 })).toEqual([]);
    });

    it('refuses bad ones at start, each named', () => {
      const problems = RemoveBgProvider.validateOptions({ baseUrl: 'remove.bg', size: 'huge', type: 'animal', credits: 0, format: 'zip' });
      expect(problems).toHaveLength(5);
      for (const field of ['baseUrl', 'size', 'type', 'credits', 'format']) expect(problems.join('\n')).toContain(field);
    });

    it('needs an API key', () => {
      expect(optionProblems(RemoveBgCredentials, {}).join('\n')).toContain('apiKey');
      expect(optionProblems(RemoveBgCredentials, { apiKey: REMOVEBG_KEY })).toEqual([]);
    });
  });
});
