import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type ImageBytes, type ProviderCallReport, type ProviderErrorKind } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { GOOGLE_KEY, startGoogleFake, type GoogleFailure, type GoogleFake } from './fake';
import { GoogleProvider } from './google.provider';

describeProviderContract('google', { plugin: GoogleProvider, credentials: { apiKey: GOOGLE_KEY }, fake: startGoogleFake });

const IMAGEN = { id: 'imagen-4', model: 'imagen-4.0-generate-001', api: 'imagen', credits: 4, usdPerImage: 0.04 };

describeProviderContract('google, with an Imagen model configured', {
  plugin: GoogleProvider,
  credentials: { apiKey: GOOGLE_KEY },
  fake: startGoogleFake,
  options: { models: [IMAGEN] },
});

const ctx = (apiKey: string | null = GOOGLE_KEY, extra: { signal?: AbortSignal; onReport?: (r: ProviderCallReport) => void } = {}) =>
  providerTestContext({ ...extra, credentials: apiKey === null ? undefined : { owner: 'platform', values: { apiKey } } });
const base = { model: 'gemini-2.5-flash-image', prompt: 'a teal teapot', width: 1024, height: 1024, format: 'png' as const, n: 1, seed: 7 };
const square = (colour: string) => sharp({ create: { width: 64, height: 64, channels: 3, background: colour } }).png().toBuffer();
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as ProviderError);

describe('google provider', () => {
  let fake: GoogleFake;
  let google: GoogleProvider;

  beforeAll(async () => {
    fake = await startGoogleFake();
    google = new GoogleProvider({ baseUrl: fake.url, models: [{ id: 'gemini-2.5-flash-image', model: 'gemini-2.5-flash-image', api: 'gemini', credits: 4, usdPerImage: 0.039 }, IMAGEN] });
  });
  afterAll(() => fake.close());

  describe('Gemini image models', () => {
    it('asks generateContent for an image only, at the aspect ratio of the size, with the key header, and answers the inline image', async () => {
      const reports: ProviderCallReport[] = [];
      const [image] = (await google.generate!({ ...base, width: 1344, height: 768, negativePrompt: 'text' }, ctx(GOOGLE_KEY, { onReport: (r) => reports.push(r) }))) as ImageBytes[];
      expect(fake.calls.at(-1)).toMatchObject({
        method: 'generateContent', model: 'gemini-2.5-flash-image',
        body: { contents: [{ role: 'user', parts: [{ text: 'a teal teapot\n\nAvoid: text' }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9' } } },
      });
      expect(fake.requests.at(-1)!.headers['x-goog-api-key']).toBe(GOOGLE_KEY);
      expect({ format: image.format, width: image.width, height: image.height }).toEqual({ format: 'png', width: 1344, height: 768 });
      expect(reports).toEqual([{ requestId: expect.stringMatching(/^[\w-]{16}$/), cost: { amount: 0.039, currency: 'USD' } }]);
    });

    it('edits: all the sources (as many as the model takes) go as inlineData parts, in order, before the instruction', async () => {
      const sources = [await square('#ff0000'), await square('#00ff00'), await sharp(await square('#0000ff')).jpeg().toBuffer()];
      const images = sources.map((data, i) => ({ data, mimeType: i === 2 ? 'image/jpeg' : 'image/png' }));
      const [image] = (await google.edit!({ ...base, prompt: 'make it blue', width: 864, height: 1184, images }, ctx())) as ImageBytes[];
      const parts = (fake.calls.at(-1)!.body.contents as Array<{ parts: Array<Record<string, unknown>> }>)[0].parts;
      expect(parts).toEqual([...images.map((i) => ({ inlineData: { mimeType: i.mimeType, data: i.data.toString('base64') } })), { text: 'make it blue' }]);
      expect({ width: image.width, height: image.height }).toEqual({ width: 864, height: 1184 });
    });

    it('asks for the resolution tier a configured size names', async () => {
      const pro = new GoogleProvider({ baseUrl: fake.url, models: [{ id: 'pro', model: 'gemini-3-pro-image', api: 'gemini', credits: 14, sizes: { '2048x2048': { aspectRatio: '1:1', imageSize: '2K' } } }] });
      const [image] = (await pro.generate!({ ...base, model: 'pro', width: 2048, height: 2048 }, ctx())) as ImageBytes[];
      expect(fake.calls.at(-1)!.body.generationConfig).toMatchObject({ imageConfig: { aspectRatio: '1:1', imageSize: '2K' } });
      expect({ width: image.width, height: image.height }).toEqual({ width: 2048, height: 2048 });
    });
  });

  describe('Imagen models', () => {
    it('generate n images in one :predict call, reporting their list price', async () => {
      const reports: ProviderCallReport[] = [];
      const images = (await google.generate!({ ...base, model: 'imagen-4', width: 1408, height: 768, n: 3 }, ctx(GOOGLE_KEY, { onReport: (r) => reports.push(r) }))) as ImageBytes[];
      expect(fake.calls.at(-1)).toMatchObject({ method: 'predict', model: 'imagen-4.0-generate-001', body: { instances: [{ prompt: 'a teal teapot' }], parameters: { sampleCount: 3, aspectRatio: '16:9', includeRaiReason: true } } });
      expect(fake.requests.at(-1)!.headers['x-goog-api-key']).toBe(GOOGLE_KEY);
      expect(images.map(({ width, height }) => `${width}x${height}`)).toEqual(['1408x768', '1408x768', '1408x768']);
      expect(reports).toEqual([{ cost: { amount: 0.12, currency: 'USD' } }]);
    });
  });

  describe("Google's errors", () => {
    const cases: [GoogleFailure, ProviderErrorKind, number?][] = [
      ['bad_key', 'invalid_credentials'],
      ['permission_denied', 'invalid_credentials'],
      ['rate_limit', 'rate_limited', 36_000],
      ['free_tier_spent', 'quota_exhausted'],
      ['billing_required', 'quota_exhausted'],
      ['image_safety', 'content_rejected'],
      ['prompt_blocked', 'content_rejected'],
      ['no_image', 'invalid_input'],
      ['invalid_argument', 'invalid_input'],
      ['model_not_found', 'unavailable'],
      ['internal', 'transient'],
      ['unavailable', 'transient'],
    ];
    for (const [answer, kind, retryAfterMs] of cases) {
      it(`maps ${answer} to ${kind}${retryAfterMs ? ' with the RetryInfo delay' : ''}, without retrying`, async () => {
        fake.failNextWith(answer);
        const before = fake.requests.length;
        const error = await failure(google.generate!(base, ctx()));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ kind, retryAfterMs });
        expect(fake.requests).toHaveLength(before + 1);
      });
    }

    it('names the refusal reason Google gave', async () => {
      fake.failNextWith('image_safety');
      expect(await failure(google.generate!(base, ctx()))).toMatchObject({ detail: 'IMAGE_SAFETY', message: expect.stringContaining('IMAGE_SAFETY') });
      fake.failNextWith('prompt_blocked');
      expect(await failure(google.generate!(base, ctx()))).toMatchObject({ detail: 'PROHIBITED_CONTENT' });
    });

    it("waits as a proxy's Retry-After says, before the RetryInfo detail", async () => {
      // A proxy in front of Google that adds Retry-After to the answers passing through.
      const proxied = ctx();
      const direct = proxied.http.fetch;
      proxied.http.fetch = async (input, init) => {
        const res = await direct(input, init);
        return new Response(res.body, { status: res.status, headers: { ...Object.fromEntries(res.headers), 'retry-after': '3' } });
      };
      fake.failNextWith('rate_limit');
      expect(await failure(google.generate!(base, proxied))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
    });

    it('maps an Imagen error answer the same way', async () => {
      fake.failNextWith('bad_key');
      expect(await failure(google.generate!({ ...base, model: 'imagen-4' }, ctx()))).toMatchObject({ kind: 'invalid_credentials', detail: 'INVALID_ARGUMENT API_KEY_INVALID' });
    });

    it('refuses a call without a key, and a wrong key, as invalid_credentials', async () => {
      expect(await failure(google.generate!(base, ctx(null)))).toMatchObject({ kind: 'invalid_credentials' });
      expect(await failure(google.generate!(base, ctx('wrong')))).toMatchObject({ kind: 'invalid_credentials', message: expect.stringContaining('API key not valid') });
    });

    it('reports an unreachable server as transient', async () => {
      const closed = await startGoogleFake();
      await closed.close();
      expect(await failure(new GoogleProvider({ baseUrl: closed.url }).generate!(base, ctx()))).toMatchObject({ kind: 'transient' });
    });

    it('gives up a slow answer as soon as the job is cancelled, with its reason', async () => {
      fake.delayNext(5_000);
      const controller = new AbortController();
      const running = failure(google.generate!(base, ctx(GOOGLE_KEY, { signal: controller.signal })));
      setTimeout(() => controller.abort(new Error('cancelled by the user')), 50);
      const started = Date.now();
      expect(await running).toMatchObject({ message: 'cancelled by the user' });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('options', () => {
    it('takes none (the real API, Gemini 2.5 Flash Image) or the documented ones', () => {
      expect(GoogleProvider.validateOptions({})).toEqual([]);
      expect(GoogleProvider.validateOptions({ baseUrl: 'http://10.0.0.5:8080', models: [IMAGEN, { id: 'pro', model: 'gemini-3-pro-image', api: 'gemini', credits: 14, sizes: { '2048x2048': { aspectRatio: '1:1', imageSize: '2K' } } }] })).toEqual([]);
    });

    it('refuses unknown fields, a bad base URL, bad models and sizes, and what an api cannot do', () => {
      expect(GoogleProvider.validateOptions({ apiKey: 'k' })).toEqual(['apiKey is not a field this plugin takes']);
      expect(GoogleProvider.validateOptions({ baseUrl: 'not a url', models: [{ id: 'A b', model: 'x y', api: 'dalle', credits: 0 }] })).toEqual([
        'baseUrl must be a URL address',
        'models.0.id must be lower-case letters, digits, dots and dashes',
        'models.0.model must be a Google model id such as gemini-2.5-flash-image',
        expect.stringContaining('models.0.api must be one of'),
        'models.0.credits must not be less than 1',
      ]);
      expect(GoogleProvider.validateOptions({ models: [
        { ...IMAGEN, operations: ['edit'] },
        { id: 'g', model: 'gemini-2.5-flash-image', api: 'gemini', credits: 4, maxImagesPerCall: 2, sizes: { '1024': { aspectRatio: '1:1' }, '512x512': { aspectRatio: '7:5', imageSize: '8K', quality: 'x' } } },
        { ...IMAGEN },
      ] })).toEqual([
        'models.0: imagen models cannot edit on the Gemini API',
        'models.1.maxImagesPerCall: a Gemini image model answers one image per call',
        'models.1.sizes: "1024" is not WIDTHxHEIGHT',
        expect.stringContaining('models.1.sizes.512x512.aspectRatio must be one of'),
        'models.1.sizes.512x512.imageSize must be one of 1K, 2K, 4K',
        'models.1.sizes.512x512 takes aspectRatio and imageSize, not quality',
        'models.2.id "imagen-4" is used twice',
      ]);
    });

    it('lists each id its configured models, with their sizes and prices in credits and dollars', () => {
      const [gemini, imagen] = GoogleProvider.modelsFor({ models: [{ id: 'nano', model: 'gemini-2.5-flash-image', api: 'gemini', credits: 4, usdPerImage: 0.039 }, IMAGEN] });
      expect(gemini).toMatchObject({ id: 'nano', operations: ['generate', 'edit'], sizes: ['1024x1024', '864x1184', '1184x864', '768x1344', '1344x768'], maxImagesPerCall: 1, maxSourceImages: 3 });
      expect(imagen).toMatchObject({ id: 'imagen-4', operations: ['generate'], sizes: ['1024x1024', '896x1280', '1280x896', '768x1408', '1408x768'], maxImagesPerCall: 4 });
      expect(imagen).not.toHaveProperty('maxSourceImages');
      const quote = { operation: 'generate' as const, model: 'imagen-4', n: 2, width: 1024, height: 1024, format: 'png' as const };
      expect(imagen.price(quote)).toBe(8);
      expect(imagen.providerPrice!(quote)).toEqual({ amount: 0.08, currency: 'USD' });
      expect(GoogleProvider.modelsFor({}).map((m) => m.id)).toEqual(['gemini-2.5-flash-image']);
    });

    it('takes the number of sources a Gemini model edits with from its entry: 3 unless told, up to 14', () => {
      expect(GoogleProvider.modelsFor({}).map((m) => m.maxSourceImages)).toEqual([3]);
      const pro = { id: 'pro', model: 'gemini-3-pro-image', api: 'gemini', credits: 14, maxSourceImages: 14 };
      expect(GoogleProvider.validateOptions({ models: [pro] })).toEqual([]);
      expect(GoogleProvider.modelsFor({ models: [pro] })[0].maxSourceImages).toBe(14);
      expect(GoogleProvider.validateOptions({ models: [{ ...pro, maxSourceImages: 15 }] })).toEqual(['models.0.maxSourceImages must not be greater than 14']);
      expect(GoogleProvider.validateOptions({ models: [{ ...pro, operations: ['generate'], maxSourceImages: 2 }, { ...IMAGEN, maxSourceImages: 2 }] })).toEqual([
        'models.0.maxSourceImages is for models that edit',
        'models.1.maxSourceImages is for models that edit',
      ]);
    });
  });

  describe('health', () => {
    it('lists the models with the key: ok while Google lists every configured one, naming those it does not', async () => {
      expect(await google.health(ctx())).toEqual({ ok: true });
      expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', url: '/v1beta/models?pageSize=1000' });
      expect(await new GoogleProvider({ baseUrl: fake.url, models: [{ id: 'old', model: 'gemini-2.0-flash-exp-image-generation', api: 'gemini', credits: 4 }] }).health(ctx()))
        .toEqual({ ok: false, detail: 'google does not offer the model(s) gemini-2.0-flash-exp-image-generation' });
      expect(await google.health(ctx('wrong'))).toMatchObject({ ok: false, detail: expect.stringContaining('API key not valid') });
    });

    it('checks nothing without a platform key (organisations bring theirs)', async () => {
      expect(await google.health(ctx(null))).toEqual({ ok: true, detail: 'no platform key to check with' });
    });
  });
});
