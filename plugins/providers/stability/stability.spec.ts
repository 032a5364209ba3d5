import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { optionProblems, providerMetadataOf, ProviderError, type EditInput, type GenerateInput, type ProviderCallContext } from '../../../src/plugins';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { STABILITY_KEY, startStabilityFake, type StabilityFailure, type StabilityFake } from './fake';
import { STABILITY_MODELS } from './stability-models';
import { StabilityCredentials, StabilityRequestOptions } from './stability-options.dto';
import { StabilityProvider } from './stability.provider';

describeProviderContract('stability', {
  plugin: StabilityProvider,
  options: { pollIntervalMs: 10 },
  // search-and-replace must be told what to find, as a request tells it.
  requestOptions: { 'search-and-replace': { searchPrompt: 'the square' } },
  credentials: { apiKey: STABILITY_KEY },
  fake: startStabilityFake,
});

describe('stability plugin', () => {
  let fake: StabilityFake;
  let plugin: StabilityProvider;
  const ctx = (signal?: AbortSignal): ProviderCallContext => providerTestContext({ signal, credentials: { owner: 'platform', values: { apiKey: STABILITY_KEY } } });
  const square = (side: number) => sharp({ create: { width: side, height: side, channels: 3, background: '#aa3355' } }).png().toBuffer();
  const generation = (over: Partial<GenerateInput> = {}): GenerateInput =>
    ({ model: 'core', prompt: 'a lighthouse at dusk', width: 1344, height: 768, format: 'webp', n: 1, seed: 42, ...over });
  const edit = async (over: Partial<EditInput> = {}): Promise<EditInput> =>
    ({ ...generation({ model: 'inpaint', width: 128, height: 96, format: 'png' }), images: [{ data: await square(64), mimeType: 'image/png' }], ...over });
  const lastForm = async () => {
    const req = fake.requests.at(-1)!;
    return new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
  };
  const kindOf = (call: Promise<unknown>) => call.then(() => 'resolved', (e: unknown) => (e instanceof ProviderError ? e : String(e)));

  beforeAll(async () => {
    fake = await startStabilityFake();
  });
  beforeEach(() => {
    fake.delayMs = 0;
    fake.pollsBeforeDone = 1;
    plugin = new StabilityProvider({ baseUrl: fake.url, pollIntervalMs: 10, sd3Model: 'sd3.5-medium', upscalePrompt: 'crisp product photo' });
  });
  afterAll(() => fake.close());

  describe('generate', () => {
    it('posts a multipart form with the aspect ratio of the asked size, and answers the image with its seed', async () => {
      const [out] = await plugin.generate(generation({ style: 'cinematic', negativePrompt: 'fog' }), ctx());
      const req = fake.requests.at(-1)!;
      expect(req.url).toBe('/v2beta/stable-image/generate/core');
      expect(req.headers).toMatchObject({ authorization: `Bearer ${STABILITY_KEY}`, accept: 'image/*' });
      expect(Object.fromEntries(await lastForm())).toEqual({
        prompt: 'a lighthouse at dusk', negative_prompt: 'fog', aspect_ratio: '16:9', seed: '42', style_preset: 'cinematic', output_format: 'webp',
      });
      expect(out).toMatchObject({ format: 'webp', width: 1344, height: 768, seed: 42 });
      expect((await sharp((out as { data: Buffer }).data).metadata()).format).toBe('webp');
    });

    it('sends the configured SD 3.5 model to generate/sd3, and none to ultra', async () => {
      await plugin.generate(generation({ model: 'sd3', format: 'png' }), ctx());
      expect(fake.requests.at(-1)!.url).toBe('/v2beta/stable-image/generate/sd3');
      expect((await lastForm()).get('model')).toBe('sd3.5-medium');
      await plugin.generate(generation({ model: 'ultra' }), ctx());
      expect((await lastForm()).has('model')).toBe(false);
    });

    it('refuses a size no aspect ratio renders before calling Stability', async () => {
      const sent = fake.requests.length;
      const failure = await kindOf(plugin.generate(generation({ width: 1000, height: 1000 }), ctx()));
      expect(failure).toMatchObject({ kind: 'invalid_input' });
      expect(fake.requests).toHaveLength(sent);
    });

    it('stops a slow answer when the call is cancelled', async () => {
      fake.delayMs = 5_000;
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(new Error('cancelled')), 50);
      await expect(plugin.generate(generation(), ctx(controller.signal))).rejects.toBeDefined();
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe("Stability's errors", () => {
    const cases: [StabilityFailure, string][] = [
      ['unauthorized', 'invalid_credentials'],
      ['payment_required', 'quota_exhausted'],
      ['content_moderation', 'content_rejected'],
      ['public_figure', 'content_rejected'],
      ['content_filtered', 'content_rejected'],
      ['invalid_language', 'invalid_input'],
      ['payload_too_large', 'invalid_input'],
      ['bad_request', 'invalid_input'],
      ['internal_error', 'transient'],
      ['rate_limit_exceeded', 'rate_limited'],
    ];
    it.each(cases)('%s is %s', async (failure, kind) => {
      fake.failNextWith(failure);
      expect(await kindOf(plugin.generate(generation(), ctx()))).toMatchObject({ kind });
    });

    it('waits out the 60-second penalty a 429 announces, or the Retry-After a proxy adds', async () => {
      fake.failNextWith('rate_limit_exceeded');
      expect(await kindOf(plugin.generate(generation(), ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
      fake.failNextWith({ status: 429, headers: { 'retry-after': '7' }, body: { id: 'x', name: 'rate_limit_exceeded', errors: ['slow down'] } });
      expect(await kindOf(plugin.generate(generation(), ctx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7_000 });
    });

    it("says what Stability said, the error's name included", async () => {
      fake.failNextWith('content_moderation');
      const failure = (await kindOf(plugin.generate(generation(), ctx()))) as ProviderError;
      expect(failure.message).toMatch(/^stability: Your request was flagged/);
      expect(failure.detail).toMatch(/^content_moderation /);
    });
  });

  describe('edit', () => {
    /** OpenAI's convention, which edits carry: 64x64, opaque, its left half fully transparent (the area to change). */
    const leftHalfMask = async () => {
      const rgba = Buffer.alloc(64 * 64 * 4);
      for (let i = 0; i < 64 * 64; i++) rgba[i * 4 + 3] = i % 64 < 32 ? 0 : 255;
      return { data: await sharp(rgba, { raw: { width: 64, height: 64, channels: 4 } }).png().toBuffer(), mimeType: 'image/png' };
    };
    const pixel = async (image: Buffer, left: number, channels = 3) =>
      [...(await sharp(image).extract({ left, top: 48, width: 1, height: 1 }).raw().toBuffer())].slice(0, channels);
    const part = async (form: FormData, name: string) => Buffer.from(await (form.get(name) as Blob).arrayBuffer());

    it('inpaints where the mask is transparent: sends it as Stability wants it (grayscale, white repaints), both at the asked size', async () => {
      const [out] = await plugin.edit(await edit({ mask: await leftHalfMask() }), ctx());
      expect(fake.requests.at(-1)!.url).toBe('/v2beta/stable-image/edit/inpaint');
      const form = await lastForm();
      for (const name of ['image', 'mask']) {
        const meta = await sharp(await part(form, name)).metadata();
        expect({ width: meta.width, height: meta.height }).toEqual({ width: 128, height: 96 });
      }
      const mask = await part(form, 'mask');
      expect((await sharp(mask).metadata()).channels).toBe(1);
      expect([await pixel(mask, 10, 1), await pixel(mask, 120, 1)]).toEqual([[255], [0]]);
      expect(form.get('prompt')).toBe('a lighthouse at dusk');
      expect(out).toMatchObject({ format: 'png', width: 128, height: 96 });
      // The fake repaints the mask's white: the left is changed, the right is the source's own colour.
      const data = (out as { data: Buffer }).data;
      expect(await pixel(data, 10)).toEqual([0x3a, 0x6e, 0xa5]);
      expect(await pixel(data, 120)).toEqual([0xaa, 0x33, 0x55]);
    });

    it("sends no mask without one: Stability then repaints the source's transparent pixels", async () => {
      await plugin.edit(await edit(), ctx());
      expect((await lastForm()).has('mask')).toBe(false);
    });

    it('takes one source image: a second is no mask', async () => {
      const image = { data: await square(64), mimeType: 'image/png' };
      const sent = fake.requests.length;
      expect(await kindOf(plugin.edit(await edit({ images: [image, image] }), ctx()))).toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('one source image') });
      expect(fake.requests).toHaveLength(sent);
    });

    it('erases where the mask is transparent, without a prompt', async () => {
      const [out] = await plugin.edit(await edit({ model: 'erase', mask: await leftHalfMask() }), ctx());
      expect(fake.requests.at(-1)!.url).toBe('/v2beta/stable-image/edit/erase');
      const form = await lastForm();
      expect(form.has('prompt')).toBe(false);
      expect([await pixel(await part(form, 'mask'), 10, 1), await pixel(await part(form, 'mask'), 120, 1)]).toEqual([[255], [0]]);
      expect(await pixel((out as { data: Buffer }).data, 120)).toEqual([0xaa, 0x33, 0x55]);
    });

    it('declares a mask on inpaint and erase only, and one source on every edit', () => {
      const edits = STABILITY_MODELS.filter((m) => m.operations.includes('edit'));
      expect(edits.map((m) => [m.id, m.mask ?? false, m.maxSourceImages ?? 1])).toEqual([
        ['inpaint', true, 1], ['erase', true, 1], ['search-and-replace', false, 1], ['outpaint', false, 1],
      ]);
    });

    it('sends the request\'s growMask to inpaint and erase as grow_mask, and none without it', async () => {
      await plugin.edit(await edit({ mask: await leftHalfMask(), options: { growMask: 12 } }), ctx());
      expect((await lastForm()).get('grow_mask')).toBe('12');
      await plugin.edit(await edit({ model: 'erase', mask: await leftHalfMask(), options: { growMask: 0 } }), ctx());
      expect((await lastForm()).get('grow_mask')).toBe('0');
      await plugin.edit(await edit(), ctx());
      expect((await lastForm()).has('grow_mask')).toBe(false);
    });

    describe('search-and-replace', () => {
      const searchAndReplace = (options?: Record<string, unknown>, over: Partial<EditInput> = {}) =>
        edit({ model: 'search-and-replace', prompt: 'a red ball', style: 'photographic', options, ...over });

      it('sends providerOptions.stability.searchPrompt as search_prompt: Stability repaints what it finds from the prompt', async () => {
        const [out] = await plugin.edit(await searchAndReplace({ searchPrompt: 'the blue cup' }), ctx());
        expect(fake.requests.at(-1)!.url).toBe('/v2beta/stable-image/edit/search-and-replace');
        const form = await lastForm();
        expect(Object.fromEntries([...form.entries()].filter(([name]) => name !== 'image'))).toEqual({
          prompt: 'a red ball', search_prompt: 'the blue cup', seed: '42', style_preset: 'photographic', output_format: 'png',
        });
        expect(await sharp(await part(form, 'image')).metadata()).toMatchObject({ width: 128, height: 96 });
        expect(out).toMatchObject({ format: 'png', width: 128, height: 96, seed: 42 });
        // The fake "finds" the middle of the source (grown 3 pixels, Stability's default) and repaints it.
        const data = (out as { data: Buffer }).data;
        expect([await pixel(data, 64), await pixel(data, 20)]).toEqual([[0x3a, 0x6e, 0xa5], [0xaa, 0x33, 0x55]]);
      });

      it('grows the found area by growMask, sent as grow_mask', async () => {
        const [out] = await plugin.edit(await searchAndReplace({ searchPrompt: 'the blue cup', growMask: 20 }), ctx());
        expect((await lastForm()).get('grow_mask')).toBe('20');
        expect(await pixel((out as { data: Buffer }).data, 20)).toEqual([0x3a, 0x6e, 0xa5]);
      });

      it('refuses a call without a searchPrompt before asking Stability', async () => {
        const sent = fake.requests.length;
        for (const options of [undefined, {}, { growMask: 5 }]) {
          expect(await kindOf(plugin.edit(await searchAndReplace(options), ctx()))).toMatchObject({
            kind: 'invalid_input',
            message: 'stability: search-and-replace needs providerOptions.stability.searchPrompt, what to find in the image',
          });
        }
        expect(fake.requests).toHaveLength(sent);
      });

      it('refuses a size beyond 2.5:1 before asking Stability, as Stability would', async () => {
        const sent = fake.requests.length;
        const failure = await kindOf(plugin.edit(await searchAndReplace({ searchPrompt: 'the cup' }, { width: 1040, height: 400 }), ctx()));
        expect(failure).toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('2.5:1') });
        expect(fake.requests).toHaveLength(sent);
        expect(await plugin.edit(await searchAndReplace({ searchPrompt: 'the cup' }, { width: 1000, height: 400 }), ctx())).toMatchObject([{ width: 1000, height: 400 }]);
      });

      it('costs 5 credits an image, its list price', () => {
        const model = STABILITY_MODELS.find((m) => m.id === 'search-and-replace')!;
        expect(model.price({ operation: 'edit', model: model.id, n: 2, width: 1024, height: 1024, format: 'png' })).toBe(10);
      });

      it('is refused by the fake without search_prompt, in Stability\'s own error body', async () => {
        const form = new FormData();
        form.append('image', new Blob([await square(64)], { type: 'image/png' }), 'image.png');
        form.append('prompt', 'a red ball');
        const res = await fetch(`${fake.url}/v2beta/stable-image/edit/search-and-replace`, { method: 'POST', headers: { authorization: `Bearer ${STABILITY_KEY}` }, body: form });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'bad_request', errors: ['search_prompt: required'] });
      });
    });

    it('outpaints the source, centred, out to the asked size', async () => {
      const [out] = await plugin.edit(await edit({ model: 'outpaint', width: 200, height: 100 }), ctx());
      const form = await lastForm();
      expect(['left', 'right', 'up', 'down'].map((d) => form.get(d))).toEqual(['68', '68', '18', '18']);
      expect(out).toMatchObject({ width: 200, height: 100 });
    });

    it('refuses an outpaint to a size no larger than its source', async () => {
      expect(await kindOf(plugin.edit(await edit({ model: 'outpaint', width: 64, height: 64 }), ctx()))).toMatchObject({ kind: 'invalid_input' });
    });
  });

  it('removes the background, keeping the transparency', async () => {
    const [out] = await plugin.removeBackground({ model: 'remove-background', image: { data: await square(80), mimeType: 'image/png' }, format: 'png' }, ctx());
    expect(fake.requests.at(-1)!.url).toBe('/v2beta/stable-image/edit/remove-background');
    expect((await sharp((out as { data: Buffer }).data).metadata()).hasAlpha).toBe(true);
  });

  describe('upscale', () => {
    const upscale = async (model: string, side: number) =>
      plugin.upscale({ model, image: { data: await square(64), mimeType: 'image/png' }, width: side, height: side, format: 'jpeg' }, ctx());

    it('fast: 4x in one call, resized to the asked size', async () => {
      expect(await upscale('upscale-fast', 256)).toMatchObject([{ format: 'jpeg', width: 256, height: 256 }]);
      expect(await upscale('upscale-fast', 200)).toMatchObject([{ format: 'jpeg', width: 200, height: 200 }]);
    });

    it('creative: starts the work, then polls its result until done, with the configured prompt', async () => {
      fake.pollsBeforeDone = 3;
      const sent = fake.requests.length;
      const [out] = await upscale('upscale-creative', 300);
      const calls = fake.requests.slice(sent);
      expect(calls[0].url).toBe('/v2beta/stable-image/upscale/creative');
      expect(calls[0].headers.accept).toBe('application/json');
      const id = [...fake.results.keys()].at(-1)!;
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect(calls.slice(1).map((c) => c.url)).toEqual(Array(4).fill(`/v2beta/results/${id}`));
      const form = await new Response(calls[0].body, { headers: { 'content-type': String(calls[0].headers['content-type']) } }).formData();
      expect(form.get('prompt')).toBe('crisp product photo');
      expect(out).toMatchObject({ format: 'jpeg', width: 300, height: 300 });
    });

    it('creative: a result that expired is worth starting again (transient)', async () => {
      fake.pollsBeforeDone = 1_000;
      const running = kindOf(upscale('upscale-creative', 256));
      await new Promise((r) => setTimeout(r, 30));
      for (const result of fake.results.values()) result.expired = true;
      expect(await running).toMatchObject({ kind: 'transient', detail: expect.stringMatching(/^generation_not_found/) });
    });

    it('creative: a cancelled call stops polling', async () => {
      fake.pollsBeforeDone = 1_000;
      const controller = new AbortController();
      const running = plugin.upscale({ model: 'upscale-creative', image: { data: await square(64), mimeType: 'image/png' }, width: 256, height: 256, format: 'png' }, ctx(controller.signal));
      await new Promise((r) => setTimeout(r, 30));
      controller.abort(new Error('cancelled'));
      await expect(running).rejects.toBeDefined();
      // A poll sent just before the abort may still land; after that, none follows.
      await new Promise((r) => setTimeout(r, 20));
      const polls = fake.requests.length;
      await new Promise((r) => setTimeout(r, 60));
      expect(fake.requests).toHaveLength(polls);
    });
  });

  it("reports the account's balance as its health", async () => {
    expect(await plugin.health(ctx())).toEqual({ ok: true, detail: '42.5 credits left' });
  });

  describe('options and credentials', () => {
    it('takes none at all (the defaults) or valid ones', () => {
      expect(StabilityProvider.validateOptions({})).toEqual([]);
      expect(StabilityProvider.validateOptions({ baseUrl: 'https://api.stability.ai', sd3Model: 'sd3.5-flash', pollIntervalMs: 10_000, upscalePrompt: 'x' })).toEqual([]);
    });

    it('refuses bad ones at start, each named', () => {
      const problems = StabilityProvider.validateOptions({ baseUrl: 'api.stability', sd3Model: 'SD3 Large', pollIntervalMs: 0, upscalePrompt: ' ', model: 'core' });
      expect(problems).toHaveLength(5);
      for (const field of ['baseUrl', 'sd3Model', 'pollIntervalMs', 'upscalePrompt', 'model']) expect(problems.join('\n')).toContain(field);
    });

    it('takes searchPrompt and growMask per request, checked as the core checks them, and nothing else', () => {
      expect(providerMetadataOf(StabilityProvider)!.requestOptions).toBe(StabilityRequestOptions);
      expect(optionProblems(StabilityRequestOptions, { searchPrompt: 'the blue cup', growMask: 20 })).toEqual([]);
      expect(optionProblems(StabilityRequestOptions, { growMask: 0 })).toEqual([]);
      expect(optionProblems(StabilityRequestOptions, { searchPrompt: '', growMask: 21, strength: 0.5 })).toEqual([
        'strength is not a field this plugin takes', 'searchPrompt must not be blank', 'growMask must not be greater than 20',
      ]);
      expect(optionProblems(StabilityRequestOptions, { searchPrompt: '   ' })).toEqual(['searchPrompt must not be blank']);
      expect(optionProblems(StabilityRequestOptions, { searchPrompt: 'x'.repeat(10_001), growMask: 2.5 })).toEqual([
        'searchPrompt must be shorter than or equal to 10000 characters', 'growMask must be an integer number',
      ]);
    });

    it('needs an API key', () => {
      const problems = optionProblems(StabilityCredentials, {});
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.startsWith('apiKey'))).toBe(true);
      expect(optionProblems(StabilityCredentials, { apiKey: STABILITY_KEY })).toEqual([]);
    });
  });
});
