import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { STABILITY_KEY, startStabilityFake, type StabilityFake } from '../../plugins/providers/stability/fake';
import { bearer } from '../support/accounts';
import { sizeOf, startProviderApp, type ProviderApp } from '../support/provider-app';

/** A PNG whose left half is transparent (the area to change) and right half opaque (kept). */
async function halfMask(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) pixels[i * 4 + 3] = i % width < width / 2 ? 0 : 255;
  return sharp(pixels, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

describe('edits with several sources and a mask, and per-request provider options, through the REST API', () => {
  let openai: OpenAIFake;
  let stability: StabilityFake;
  let app: ProviderApp;
  let red: Buffer;
  let mask: Buffer;

  beforeAll(async () => {
    [openai, stability] = await Promise.all([startOpenAIFake(), startStabilityFake()]);
    app = await startProviderApp({
      providers: [
        { id: 'openai', options: { baseUrl: openai.url }, credentials: { apiKey: FAKE_OPENAI_KEY } },
        { id: 'stability', options: { baseUrl: stability.url }, credentials: { apiKey: STABILITY_KEY } },
      ],
      plan: 'pro', credits: 500, label: 'edits', scopes: ['images:generate', 'images:edit', 'images:read', 'jobs:read', 'credits:read', 'providers:read'],
    });
    red = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#ff0000' } }).png().toBuffer();
    mask = await halfMask(1024, 1024);
  }, 60_000);
  afterAll(async () => {
    await app?.t.close();
    await Promise.all([openai?.close(), stability?.close()]);
  });

  const post = (path: string, body: Record<string, unknown>) => app.t.http().post(path).set(bearer(app.key)).send(body);
  const source = (image: Buffer) => ({ data: image.toString('base64') });
  const lastCall = () => openai.calls[openai.calls.length - 1];

  it('lists what each edit model takes and which options each provider takes', async () => {
    const { body } = await app.t.http().get('/api/v1/providers').set(bearer(app.key)).expect(200);
    const provider = (id: string) => body.data.find((p: { id: string }) => p.id === id);
    expect(provider('openai').requestOptions).toEqual(expect.arrayContaining(['background', 'moderation']));
    expect(provider('aura').requestOptions).toEqual([]);
    expect(provider('openai').credentialFields).toContain('apiKey');
    expect(provider('stability').credentialFields).toEqual(['apiKey']);
    expect(provider('aura').credentialFields).toEqual([]);
    const model = (id: string, modelId: string) => provider(id).models.find((m: { id: string }) => m.id === modelId);
    expect(model('openai', 'gpt-image-low')).toMatchObject({ maxSourceImages: 16, mask: true });
    expect(model('aura', 'aura')).toMatchObject({ maxSourceImages: 2, mask: true });
    expect(model('stability', 'outpaint')).toMatchObject({ maxSourceImages: 1, mask: false });
    expect(model('stability', 'core').maxSourceImages).toBeUndefined();
  });

  it('sends three sources and a mask to OpenAI, from JSON', async () => {
    const res = await post('/api/v1/images/edits', { prompt: 'a blue stripe', provider: 'openai', model: 'gpt-image-low', images: [source(red), source(red), source(red)], mask: source(mask) }).expect(202);
    expect((await app.finished(res.body.id)).status).toBe('completed');
    expect(lastCall()).toMatchObject({ endpoint: 'edits', sources: 3, mask: true });
  });

  it('takes the sources and the mask as form files, and providerOptions as a JSON field', async () => {
    const res = await app.t.http().post('/api/v1/images/edits').set(bearer(app.key))
      .field('prompt', 'a cut-out').field('provider', 'openai').field('model', 'gpt-image-low').field('providerOptions', '{"openai":{"background":"transparent"}}')
      .attach('images', red, 'a.png').attach('images', red, 'b.png').attach('mask', mask, 'mask.png').expect(202);
    expect((await app.finished(res.body.id)).status).toBe('completed');
    expect(lastCall()).toMatchObject({ endpoint: 'edits', sources: 2, mask: true, fields: expect.objectContaining({ background: 'transparent' }) });
  });

  it("gives a generation's provider options to its provider and overrides the configured one", async () => {
    const res = await post('/api/v1/images/generations', { prompt: 'a lamp', provider: 'openai', model: 'gpt-image-low', size: '1024x1024', providerOptions: { openai: { moderation: 'low', background: 'opaque' } } }).expect(202);
    expect((await app.finished(res.body.id)).status).toBe('completed');
    expect(lastCall()).toMatchObject({ endpoint: 'generations', fields: expect.objectContaining({ moderation: 'low', background: 'opaque' }) });
  });

  it('keeps the opaque half of the source exactly where aura edits under a mask, and changes the other', async () => {
    const noisy = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    const res = await post('/api/v1/images/edits', { prompt: 'deep blue sea', provider: 'aura', size: '512x512', images: [source(noisy)], mask: source(await halfMask(512, 512)) }).expect(202);
    const image = await app.download((await app.finished(res.body.id)).outputs[0].url);
    expect(await sizeOf(image)).toMatchObject({ width: 512, height: 512 });
    const half = async (png: Buffer, left: number) => sharp(png).removeAlpha().extract({ left, top: 0, width: 256, height: 512 }).raw().toBuffer();
    expect((await half(image, 256)).equals(await half(noisy, 256))).toBe(true);
    expect((await half(image, 0)).equals(await half(noisy, 0))).toBe(false);
  });

  it('refuses, before charging, what the model cannot take and options no provider takes', async () => {
    const before = await app.credits();
    const refusal = async (path: string, body: Record<string, unknown>, status = 400) => (await post(path, body).expect(status)).body.error;
    const edit = (extra: Record<string, unknown>) => refusal('/api/v1/images/edits', { prompt: 'x', images: [source(red)], ...extra });
    expect(await edit({ provider: 'aura', images: [source(red), source(red), source(red)] })).toMatchObject({ code: 'too_many_images', maxSourceImages: 2, message: 'aura/aura takes at most 2 source images' });
    expect(await edit({ provider: 'openai', model: 'gpt-image-low', images: Array.from({ length: 17 }, () => source(mask)) })).toMatchObject({ code: 'too_many_images' });
    const noMask = await edit({ provider: 'stability', model: 'outpaint', mask: source(mask) });
    expect(noMask).toMatchObject({ code: 'invalid_model', fields: [{ field: 'mask' }] });
    expect(noMask.models).toEqual(expect.arrayContaining(['openai/gpt-image-low', 'aura/aura', 'stability/inpaint']));
    expect(noMask.models).not.toContain('stability/outpaint');
    expect(await refusal('/api/v1/images/edits', { prompt: 'x', provider: 'openai', model: 'gpt-image-low', images: [source(red)], mask: source(await halfMask(512, 512)) }, 422)).toMatchObject({ code: 'unprocessable_image', message: "mask is 512x512; it must be the first image's size, 1024x1024" });
    expect(await edit({ provider: 'openai', model: 'gpt-image-low', mask: source(red) }).catch(() => null)).toBeNull();
    const generate = (providerOptions: unknown) => refusal('/api/v1/images/generations', { prompt: 'x', provider: 'openai', model: 'gpt-image-low', providerOptions });
    expect(await generate({ nope: {} })).toMatchObject({ code: 'validation_failed', fields: [{ field: 'providerOptions.nope' }] });
    expect(await generate({ aura: { colour: 'red' } })).toMatchObject({ code: 'validation_failed', message: 'aura takes no request options' });
    expect(await generate({ openai: { background: 'purple' } })).toMatchObject({ code: 'validation_failed', fields: [{ field: 'providerOptions.openai' }] });
    expect(await generate({ openai: { size: 'huge' } })).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('size is not a field this plugin takes') });
    expect(await generate({ openai: 'transparent' })).toMatchObject({ code: 'validation_failed', message: 'providerOptions.openai must be an object' });
    expect(await app.credits()).toEqual(before);
  });
});
