import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionProblems, ProviderError, providerMetadataOf, type ImageBytes, type ProviderCallReport, type ProviderErrorKind } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from './fake';
import type { OpenAIFailure } from './fake-errors';
import { OPENAI_MODELS } from './openai-models';
import { OpenAIRequestOptions } from './openai-options';
import { OpenAIProvider } from './openai.provider';

describeProviderContract('openai', { plugin: OpenAIProvider, credentials: { apiKey: FAKE_OPENAI_KEY }, fake: startOpenAIFake });

const ctx = (apiKey: string | null = FAKE_OPENAI_KEY, signal?: AbortSignal, onReport?: (report: ProviderCallReport) => void) =>
  providerTestContext({ signal, onReport, credentials: apiKey === null ? undefined : { owner: 'platform', values: { apiKey } } });
/** A context that keeps what the plugin reports, in order. */
const reporting = (signal?: AbortSignal) => {
  const reports: ProviderCallReport[] = [];
  return { reports, ctx: ctx(FAKE_OPENAI_KEY, signal, (report) => reports.push(report)) };
};
const base = { model: 'gpt-image-medium', prompt: 'a teal teapot', width: 1024, height: 1024, format: 'png' as const, n: 1, seed: 7 };
const square = (colour: string, side = 64) => sharp({ create: { width: side, height: side, channels: 3, background: colour } }).png().toBuffer();
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as ProviderError);

describe('openai provider', () => {
  let fake: OpenAIFake;
  let openai: OpenAIProvider;

  beforeAll(async () => {
    fake = await startOpenAIFake();
    openai = new OpenAIProvider({ baseUrl: fake.url });
  });
  afterAll(() => fake.close());

  describe('generate', () => {
    it('asks the configured model for n images at the tier quality, size, format, background and moderation, and answers them as bytes', async () => {
      const mini = new OpenAIProvider({ baseUrl: fake.url, model: 'gpt-image-1-mini', background: 'transparent', moderation: 'low' });
      const outputs = (await mini.generate({ ...base, model: 'gpt-image-high', width: 1536, height: 1024, format: 'webp', n: 2 }, ctx())) as ImageBytes[];
      expect(fake.calls.at(-1)!.fields).toEqual({
        model: 'gpt-image-1-mini', prompt: 'a teal teapot', n: 2, size: '1536x1024', quality: 'high', background: 'transparent', output_format: 'webp', moderation: 'low',
      });
      expect(outputs.map(({ format, width, height }) => ({ format, width, height }))).toEqual([
        { format: 'webp', width: 1536, height: 1024 }, { format: 'webp', width: 1536, height: 1024 },
      ]);
      expect((await sharp(outputs[0].data).stats()).channels[3].mean).toBe(0);
    });

    it('runs gpt-image-1.5 by default, at the quality each model id names', async () => {
      for (const [model, quality] of [['gpt-image-low', 'low'], ['gpt-image-medium', 'medium'], ['gpt-image-high', 'high']]) {
        await openai.generate({ ...base, model }, ctx());
        expect(fake.calls.at(-1)!.fields).toMatchObject({ model: 'gpt-image-1.5', quality, background: 'auto', moderation: 'auto' });
      }
    });

    it('says what to avoid in the prompt, as GPT image models have no negative prompt', async () => {
      await openai.generate({ ...base, negativePrompt: ' text, watermarks ' }, ctx());
      expect(fake.calls.at(-1)!.fields.prompt).toBe('a teal teapot\n\nAvoid: text, watermarks');
    });

    it('refuses a transparent background in jpeg before calling OpenAI', async () => {
      const transparent = new OpenAIProvider({ baseUrl: fake.url, background: 'transparent' });
      const before = fake.requests.length;
      const error = await failure(transparent.generate({ ...base, format: 'jpeg' }, ctx()));
      expect(error).toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('transparent background needs png or webp') });
      expect(fake.requests).toHaveLength(before);
    });
  });

  describe('edit', () => {
    it('sends every source as image[] with the mask, which OpenAI applies to the first source', async () => {
      // Opaque black, its left half fully transparent: the area OpenAI may change.
      const rgba = Buffer.alloc(64 * 64 * 4);
      for (let i = 0; i < 64 * 64; i++) rgba[i * 4 + 3] = i % 64 < 32 ? 0 : 255;
      const mask = await sharp(rgba, { raw: { width: 64, height: 64, channels: 4 } }).png().toBuffer();
      const [output] = (await openai.edit({
        ...base, prompt: 'paint the left half', images: [{ data: await square('#ff0000'), mimeType: 'image/png' }, { data: await square('#0000ff'), mimeType: 'image/png' }],
        mask: { data: mask, mimeType: 'image/png' },
      }, ctx())) as ImageBytes[];
      expect(fake.calls.at(-1)).toMatchObject({ endpoint: 'edits', sources: 2, mask: true, fields: { model: 'gpt-image-1.5', quality: 'medium', size: '1024x1024', n: 1 } });
      const pixel = async (left: number) => [...(await sharp(output.data).extract({ left, top: 500, width: 1, height: 1 }).raw().toBuffer())].slice(0, 3);
      expect(await pixel(1000)).toEqual([255, 0, 0]);
      expect(await pixel(10)).not.toEqual([255, 0, 0]);
    });

    it('edits the whole image without a mask', async () => {
      const [output] = (await openai.edit({ ...base, images: [{ data: await square('#00ff00'), mimeType: 'image/png' }] }, ctx())) as ImageBytes[];
      expect(fake.calls.at(-1)).toMatchObject({ endpoint: 'edits', sources: 1, mask: false });
      expect({ width: output.width, height: output.height, format: output.format }).toEqual({ width: 1024, height: 1024, format: 'png' });
    });

    it("reports OpenAI's refusal of a mask the size of no source as invalid_input", async () => {
      const error = await failure(openai.edit({
        ...base, images: [{ data: await square('#00ff00'), mimeType: 'image/png' }], mask: { data: await square('#000000', 32), mimeType: 'image/png' },
      }, ctx()));
      expect(error).toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('mask') });
    });

    it('sends three sources as three image[] parts, the mask beside them', async () => {
      const colours = ['#ff0000', '#00ff00', '#0000ff'];
      const images = await Promise.all(colours.map(async (colour) => ({ data: await square(colour), mimeType: 'image/png' })));
      await openai.edit({ ...base, images, mask: { data: await square('#000000'), mimeType: 'image/png' } }, ctx());
      expect(fake.calls.at(-1)).toMatchObject({ endpoint: 'edits', sources: 3, mask: true });
      const req = fake.requests.at(-1)!;
      const form = await new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      const sent = await Promise.all(form.getAll('image[]').map(async (part) => sharp(Buffer.from(await (part as Blob).arrayBuffer())).stats()));
      expect(sent.map((stats) => stats.dominant)).toEqual([{ r: 248, g: 8, b: 8 }, { r: 8, g: 248, b: 8 }, { r: 8, g: 8, b: 248 }]);
      expect((form.get('mask') as Blob).type).toBe('image/png');
    });

    it('refuses more than 16 sources before calling OpenAI, as OpenAI itself refuses a 17th image[] part', async () => {
      const image = { data: await square('#00ff00'), mimeType: 'image/png' };
      const before = fake.requests.length;
      const error = await failure(openai.edit({ ...base, images: Array.from({ length: 17 }, () => image) }, ctx()));
      expect(error).toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('at most 16') });
      expect(fake.requests).toHaveLength(before);

      const form = new FormData();
      form.append('prompt', 'too many');
      for (let i = 0; i < 17; i++) form.append('image[]', new Blob([image.data], { type: 'image/png' }), `source-${i}.png`);
      const res = await fetch(`${fake.url}/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${FAKE_OPENAI_KEY}` }, body: form });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'image', code: 'array_above_max_length' } });
    });
  });

  describe('request options (providerOptions.openai)', () => {
    const jpegBytes = async (options?: Record<string, unknown>) =>
      ((await openai.generate({ ...base, format: 'jpeg', options }, ctx())) as ImageBytes[])[0].data.length;

    it('are declared with the models that take 16 sources and a mask', () => {
      const metadata = providerMetadataOf(OpenAIProvider)!;
      expect(metadata.requestOptions).toBe(OpenAIRequestOptions);
      expect(metadata.models.map((m) => ({ maxSourceImages: m.maxSourceImages, mask: m.mask }))).toEqual(Array(3).fill({ maxSourceImages: 16, mask: true }));
    });

    it('take background, moderation and outputCompression, and nothing else', () => {
      expect(optionProblems(OpenAIRequestOptions, { background: 'transparent', moderation: 'low', outputCompression: 0 })).toEqual([]);
      expect(optionProblems(OpenAIRequestOptions, { background: 'clear', moderation: 'off', outputCompression: 101, quality: 'high' })).toEqual([
        'quality is not a field this plugin takes',
        expect.stringContaining('background must be one of'),
        expect.stringContaining('moderation must be one of'),
        'outputCompression must not be greater than 100',
      ]);
    });

    it("reach OpenAI's body, overriding the id's background and moderation for that call", async () => {
      await openai.generate({ ...base, options: { background: 'transparent', moderation: 'low' } }, ctx());
      expect(fake.calls.at(-1)!.fields).toMatchObject({ background: 'transparent', moderation: 'low' });
      expect(fake.calls.at(-1)!.fields).not.toHaveProperty('output_compression');

      const transparent = new OpenAIProvider({ baseUrl: fake.url, background: 'transparent', moderation: 'low' });
      await transparent.generate({ ...base, format: 'jpeg', options: { background: 'opaque', moderation: 'auto', outputCompression: 30 } }, ctx());
      expect(fake.calls.at(-1)!.fields).toMatchObject({ background: 'opaque', moderation: 'auto', output_format: 'jpeg', output_compression: 30 });
      await transparent.generate(base, ctx());
      expect(fake.calls.at(-1)!.fields).toMatchObject({ background: 'transparent', moderation: 'low' });
    });

    it('reach an edit too, where OpenAI takes no moderation', async () => {
      const images = [{ data: await square('#00ff00'), mimeType: 'image/png' }];
      await openai.edit({ ...base, format: 'webp', images, options: { background: 'transparent', moderation: 'low', outputCompression: 55 } }, ctx());
      expect(fake.calls.at(-1)).toMatchObject({ endpoint: 'edits', fields: { background: 'transparent', output_format: 'webp', output_compression: 55 } });
      expect(fake.calls.at(-1)!.fields).not.toHaveProperty('moderation');
    });

    it('compress a jpeg as asked', async () => {
      expect(await jpegBytes({ outputCompression: 10 })).toBeLessThan(await jpegBytes());
    });

    it('are refused as invalid_input, before calling OpenAI, where they cannot go together', async () => {
      const before = fake.requests.length;
      expect(await failure(openai.generate({ ...base, format: 'jpeg', options: { background: 'transparent' } }, ctx())))
        .toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('transparent background needs png or webp') });
      expect(await failure(openai.generate({ ...base, format: 'png', options: { outputCompression: 50 } }, ctx())))
        .toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('outputCompression applies to jpeg and webp') });
      const gptImage2 = new OpenAIProvider({ baseUrl: fake.url, model: 'gpt-image-2' });
      expect(await failure(gptImage2.edit({ ...base, images: [{ data: await square('#00ff00'), mimeType: 'image/png' }], options: { background: 'transparent' } }, ctx())))
        .toMatchObject({ kind: 'invalid_input', message: 'openai: background transparent is refused by gpt-image-2: use auto or opaque' });
      expect(fake.requests).toHaveLength(before);
    });
  });

  describe("OpenAI's errors", () => {
    const cases: [OpenAIFailure, ProviderErrorKind, number?][] = [
      ['bad_key', 'invalid_credentials'],
      ['quota', 'quota_exhausted'],
      ['credits_exhausted', 'quota_exhausted'],
      ['rate_limit', 'rate_limited', 12_000],
      ['rate_limit_reset_only', 'rate_limited', 250],
      ['moderation', 'content_rejected'],
      ['invalid_request', 'invalid_input'],
      ['model_not_found', 'unavailable'],
      ['unsupported_region', 'unavailable'],
      ['server_error', 'transient'],
      ['overloaded', 'transient'],
    ];
    for (const [answer, kind, retryAfterMs] of cases) {
      it(`maps ${answer} to ${kind}${retryAfterMs ? ` with the wait its headers give` : ''}, without retrying`, async () => {
        fake.failNextWith(answer);
        const before = fake.requests.length;
        const error = await failure(openai.generate(base, ctx()));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ kind, retryAfterMs, detail: expect.stringMatching(/req_[0-9a-f]{8}$/) });
        expect(fake.requests).toHaveLength(before + 1);
      });
    }

    it('refuses a call without a key, and a wrong key, as invalid_credentials', async () => {
      expect(await failure(openai.generate(base, ctx(null)))).toMatchObject({ kind: 'invalid_credentials' });
      expect(await failure(openai.generate(base, ctx('sk-wrong')))).toMatchObject({ kind: 'invalid_credentials', message: expect.stringContaining('Incorrect API key') });
    });

    it('reports an unreachable server as transient', async () => {
      const closed = await startOpenAIFake();
      await closed.close();
      const error = await failure(new OpenAIProvider({ baseUrl: closed.url }).generate(base, ctx()));
      expect(error).toMatchObject({ kind: 'transient' });
    });

    it('gives up a slow answer as soon as the job is cancelled, with its reason', async () => {
      fake.delayNext(5_000);
      const controller = new AbortController();
      const running = failure(openai.generate(base, ctx(FAKE_OPENAI_KEY, controller.signal)));
      setTimeout(() => controller.abort(new Error('cancelled by the user')), 50);
      const started = Date.now();
      expect(await running).toMatchObject({ message: 'cancelled by the user' });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('what each call reports', () => {
    it('reports the request id and the cost of the tokens used, at gpt-image-1.5 prices unless configured', async () => {
      const { reports, ctx: reported } = reporting();
      await openai.generate(base, reported);
      // The fake's usage: 10 text tokens in, 272 image tokens out.
      expect(reports).toEqual([{ requestId: expect.stringMatching(/^req_[0-9a-f]{8}$/), cost: { amount: (10 * 5 + 272 * 32) / 1e6, currency: 'USD' } }]);

      const priced = new OpenAIProvider({ baseUrl: fake.url, tokenPrices: { textInput: 2, imageInput: 2.5, imageOutput: 8 } });
      const edit = reporting();
      await priced.edit({ ...base, images: [{ data: await square('#00ff00'), mimeType: 'image/png' }] }, edit.ctx);
      expect(edit.reports[0].cost).toEqual({ amount: (10 * 2 + 40 * 2.5 + 272 * 8) / 1e6, currency: 'USD' });
    });
  });

  describe('streaming partial images (partialImages)', () => {
    const streaming = () => new OpenAIProvider({ baseUrl: fake.url, partialImages: 2 });
    const progressOf = (reports: ProviderCallReport[]) => reports.filter((r) => r.progress !== undefined).map((r) => r.progress);
    const pixel = async (image: Buffer) => [...(await sharp(image).extract({ left: 512, top: 512, width: 1, height: 1 }).raw().toBuffer())];

    it('streams a generation, reporting each partial image as progress in order, and answers the completed image', async () => {
      const [plain] = (await openai.generate(base, ctx())) as ImageBytes[];
      const { reports, ctx: reported } = reporting();
      const outputs = (await streaming().generate({ ...base, format: 'webp' }, reported)) as ImageBytes[];
      expect(fake.calls.at(-1)!.fields).toMatchObject({ stream: true, partial_images: 2, n: 1 });
      expect(progressOf(reports)).toEqual([1 / 3, 2 / 3]);
      expect(reports[0]).toEqual({ requestId: expect.stringMatching(/^req_[0-9a-f]{8}$/) });
      expect(reports.at(-1)).toEqual({ cost: { amount: (10 * 5 + 272 * 32) / 1e6, currency: 'USD' } });
      expect(outputs).toHaveLength(1);
      expect(outputs[0]).toMatchObject({ format: 'webp', width: 1024, height: 1024 });
      // The completed image, not a blurred partial: the same colour as the plain call's.
      expect(await pixel(outputs[0].data)).toEqual(await pixel((await sharp(plain.data).webp().toBuffer())));
    });

    it('streams an edit the same way, through image_edit events', async () => {
      const { reports, ctx: reported } = reporting();
      const [output] = (await streaming().edit({ ...base, images: [{ data: await square('#00ff00'), mimeType: 'image/png' }] }, reported)) as ImageBytes[];
      expect(fake.calls.at(-1)).toMatchObject({ endpoint: 'edits', fields: { stream: true, partial_images: 2 } });
      expect(progressOf(reports)).toEqual([1 / 3, 2 / 3]);
      expect(await pixel(output.data)).toEqual([0, 255, 0]);
    });

    it('asks n > 1 images with the plain call, since a stream answers one image', async () => {
      const { reports, ctx: reported } = reporting();
      const outputs = await streaming().generate({ ...base, n: 2 }, reported);
      expect(fake.calls.at(-1)!.fields).not.toHaveProperty('stream');
      expect(outputs).toHaveLength(2);
      expect(progressOf(reports)).toEqual([]);
    });

    it('does not stream with partialImages 0, the default', async () => {
      const { reports, ctx: reported } = reporting();
      await new OpenAIProvider({ baseUrl: fake.url, partialImages: 0 }).generate(base, reported);
      expect(fake.calls.at(-1)!.fields).not.toHaveProperty('stream');
      expect(fake.calls.at(-1)!.fields).not.toHaveProperty('partial_images');
      expect(progressOf(reports)).toEqual([]);
    });

    it("maps an error event mid-stream: OpenAI's refusal of the result as content_rejected, its own failure as transient", async () => {
      fake.failStreamWith('moderation');
      const { reports, ctx: reported } = reporting();
      expect(await failure(streaming().generate(base, reported))).toMatchObject({ kind: 'content_rejected', message: expect.stringContaining('safety system') });
      expect(progressOf(reports)).toEqual([1 / 3]);
      fake.failStreamWith('server_error');
      expect(await failure(streaming().edit({ ...base, images: [{ data: await square('#00ff00'), mimeType: 'image/png' }] }, ctx()))).toMatchObject({ kind: 'transient' });
    });

    it('gives up a stream as soon as the job is cancelled, with its reason', async () => {
      fake.pauseBetweenEvents(1_000);
      try {
        const controller = new AbortController();
        const { reports, ctx: reported } = reporting(controller.signal);
        const running = failure(streaming().generate(base, reported));
        setTimeout(() => controller.abort(new Error('cancelled by the user')), 1_500);
        expect(await running).toMatchObject({ message: 'cancelled by the user' });
        expect(progressOf(reports)).toEqual([1 / 3]);
      } finally {
        fake.pauseBetweenEvents(0);
      }
    });
  });

  describe('options', () => {
    it('takes none at all (the real API, gpt-image-1.5) or the documented ones', () => {
      expect(OpenAIProvider.validateOptions({})).toEqual([]);
      expect(OpenAIProvider.validateOptions({ baseUrl: 'http://10.0.0.5:8000/v1', model: 'gpt-image-2', background: 'opaque', moderation: 'low' })).toEqual([]);
      expect(OpenAIProvider.validateOptions({ partialImages: 3, tokenPrices: { textInput: 5, imageInput: 8, imageOutput: 30 } })).toEqual([]);
    });

    it('refuses unknown fields, a bad base URL, model id, background or moderation, and transparency on gpt-image-2', () => {
      expect(OpenAIProvider.validateOptions({ apiKey: 'sk-1' })).toEqual(['apiKey is not a field this plugin takes']);
      expect(OpenAIProvider.validateOptions({ baseUrl: 'not a url', model: 'gpt image', background: 'clear', moderation: 'off' })).toEqual([
        'baseUrl must be a URL address',
        'model must be an OpenAI model id such as gpt-image-1.5',
        expect.stringContaining('background must be one of'),
        expect.stringContaining('moderation must be one of'),
      ]);
      expect(OpenAIProvider.validateOptions({ partialImages: 4, tokenPrices: { textInput: 5, imageOutput: -1 } })).toEqual([
        'partialImages must not be greater than 3',
        'tokenPrices.imageInput must not be less than 0',
        'tokenPrices.imageInput must be a number conforming to the specified constraints',
        'tokenPrices.imageOutput must not be less than 0',
      ]);
      expect(OpenAIProvider.validateOptions({ model: 'gpt-image-2-2026-04-21', background: 'transparent' })).toEqual([
        'background transparent is refused by gpt-image-2-2026-04-21: use auto or opaque',
      ]);
    });
  });

  describe('health', () => {
    it('is ok while OpenAI offers the configured model, and says so when it has retired it', async () => {
      expect(await openai.health(ctx())).toEqual({ ok: true });
      expect(await new OpenAIProvider({ baseUrl: fake.url, model: 'gpt-image-1' }).health(ctx())).toEqual({ ok: false, detail: 'openai does not offer the model gpt-image-1' });
      expect(await openai.health(ctx('sk-wrong'))).toMatchObject({ ok: false, detail: expect.stringContaining('Incorrect API key') });
    });

    it('checks nothing without a platform key (organisations bring theirs)', async () => {
      expect(await openai.health(ctx(null))).toEqual({ ok: true, detail: 'no platform key to check with' });
    });
  });

  describe('prices', () => {
    const price = (id: string, quote: { operation: 'generate' | 'edit'; n: number; width: number; height: number }) =>
      OPENAI_MODELS.find((m) => m.id === id)!.price({ ...quote, model: id, format: 'png' });

    it('charges per image by tier and shape, an edit one credit more per image', () => {
      expect(price('gpt-image-low', { operation: 'generate', n: 1, width: 1024, height: 1024 })).toBe(1);
      expect(price('gpt-image-medium', { operation: 'generate', n: 3, width: 1024, height: 1024 })).toBe(12);
      expect(price('gpt-image-medium', { operation: 'generate', n: 1, width: 1536, height: 1024 })).toBe(5);
      expect(price('gpt-image-high', { operation: 'edit', n: 2, width: 1024, height: 1536 })).toBe(42);
    });
  });
});
