import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STABILITY_KEY, startStabilityFake, type StabilityFake } from '../../plugins/providers/stability/fake';
import { bearer, settledCredits } from '../support/accounts';
import { sizeOf, startProviderApp, type ProviderApp } from '../support/provider-app';

describe("stability's search-and-replace through POST /api/v1/images/edits, with providerOptions.stability, against its fake", () => {
  let fake: StabilityFake;
  let app: ProviderApp;
  let source: { data: string };

  beforeAll(async () => {
    fake = await startStabilityFake();
    app = await startProviderApp({
      providers: [{ id: 'stability', options: { baseUrl: fake.url }, credentials: { apiKey: STABILITY_KEY } }],
      plan: 'pro', credits: 500, label: 'stability', scopes: ['images:edit', 'images:read', 'jobs:read', 'credits:read', 'providers:read'],
    });
    const grey = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#808080' } }).png().toBuffer();
    source = { data: grey.toString('base64') };
  }, 60_000);
  afterAll(async () => {
    await app?.t.close();
    await fake?.close();
  });

  const edit = (providerOptions?: Record<string, unknown>) => app.t.http().post('/api/v1/images/edits').set(bearer(app.key))
    .send({ provider: 'stability', model: 'search-and-replace', images: [source], prompt: 'a red ball', size: '1024x1024', providerOptions });
  const searches = () => fake.requests.filter((r) => r.url === '/v2beta/stable-image/edit/search-and-replace');

  it('lists the request options stability takes, and search-and-replace as a one-source edit without a mask', async () => {
    const { body } = await app.t.http().get('/api/v1/providers').set(bearer(app.key)).expect(200);
    const stability = body.data.find((p: { id: string }) => p.id === 'stability');
    expect(stability.requestOptions).toEqual(['growMask', 'searchPrompt']);
    expect(stability.models.find((m: { id: string }) => m.id === 'search-and-replace')).toMatchObject({ maxSourceImages: 1, mask: false });
  });

  it('sends the searchPrompt as search_prompt and charges the model its 5 credits', async () => {
    const before = await app.credits();
    const res = await edit({ stability: { searchPrompt: 'the blue cup', growMask: 8 } }).expect(202);
    const job = await app.finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 5 });
    const sent = searches().at(-1)!;
    const form = await new Response(sent.body, { headers: { 'content-type': String(sent.headers['content-type']) } }).formData();
    expect([form.get('prompt'), form.get('search_prompt'), form.get('grow_mask')]).toEqual(['a red ball', 'the blue cup', '8']);
    // The fake repaints the middle of the source, what it "found": the corner stays the source's grey.
    const image = await app.download(job.outputs[0].url);
    expect(await sizeOf(image)).toMatchObject({ width: 1024, height: 1024 });
    const pixel = async (left: number, top: number) => [...(await sharp(image).extract({ left, top, width: 1, height: 1 }).removeAlpha().raw().toBuffer())];
    expect(await pixel(512, 512)).toEqual([0x3a, 0x6e, 0xa5]);
    expect(await pixel(10, 10)).toEqual([0x80, 0x80, 0x80]);
    await settledCredits(app.t, app.key, { creditsBalance: before.creditsBalance - 5, reserved: 0 });
  });

  it('fails the job as provider_invalid_input without a searchPrompt, asking Stability nothing and charging nothing', async () => {
    const before = await app.credits();
    const asked = searches().length;
    const res = await edit().expect(202);
    expect(await app.finished(res.body.id)).toMatchObject({
      status: 'failed', cost: 0,
      error: { code: 'provider_invalid_input', message: expect.stringContaining('search-and-replace needs providerOptions.stability.searchPrompt') },
    });
    expect(searches()).toHaveLength(asked);
    await settledCredits(app.t, app.key, before);
  });

  it('refuses options stability does not take with 400, before charging', async () => {
    const before = await app.credits();
    for (const options of [{ searchPrompt: 'the cup', growMask: 30 }, { searchPrompt: '' }, { searchPrompt: 'the cup', strength: 0.4 }]) {
      const res = await edit({ stability: options }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining({ field: 'providerOptions.stability' })] });
    }
    expect(await app.credits()).toEqual(before);
  });
});
