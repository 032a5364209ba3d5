import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAL_KEY, startFalFake, type FalFake, type FalRequestFailure } from '../../plugins/providers/fal/fake';
import { bearer, settledCredits } from '../support/accounts';
import { sizeOf, startProviderApp, type ProviderApp } from '../support/provider-app';
import type { TestApp } from '../support/test-app';

describe('the fal provider through the REST API and the OpenAI-compatible endpoint, against its fake', () => {
  let fake: FalFake;
  let t: TestApp;
  let key: string;
  let client: OpenAI;
  let credits: ProviderApp['credits'], download: ProviderApp['download'], finished: ProviderApp['finished'];

  beforeAll(async () => {
    fake = await startFalFake();
    ({ t, key, client, credits, download, finished } = await startProviderApp({
      providers: [{ id: 'fal', options: { baseUrl: fake.url }, credentials: { apiKey: FAL_KEY } }],
      plan: 'pro', credits: 900, label: 'fal', scopes: ['images:generate', 'images:read', 'jobs:read', 'credits:read'], listen: true,
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const post = (body: Record<string, unknown>) => t.http().post('/api/v1/images/generations').set(bearer(key)).send(body);

  it('generates through POST /api/v1/images/generations on fal\'s queue: images of the asked size and format, charged the model price', async () => {
    const before = await credits();
    const submits = fake.requests.filter((r) => r.method === 'POST').length;
    const res = await post({ prompt: 'a teal teapot on oak', provider: 'fal', model: 'flux-dev', size: '1024x768', format: 'jpeg', n: 2 }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 6 });
    expect(job.outputs).toHaveLength(2);
    for (const output of job.outputs) expect(await sizeOf(await download(output.url))).toEqual({ width: 1024, height: 768, format: 'jpeg' });
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.url).slice(submits)).toEqual(['/fal-ai/flux/dev']);
    const image = (await t.http().get(`/api/v1/images/${job.outputs[0].id}`).set(bearer(key)).expect(200)).body;
    expect(image).toMatchObject({ provider: 'fal', model: 'flux-dev' });
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 6, reserved: 0 });
  }, 30_000);

  it('answers POST /v1/images/generations for the fal model named, to the official OpenAI SDK', async () => {
    const b64 = (await client.images.generate({ model: 'flux-schnell', prompt: 'a lighthouse', size: '1024x1024', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(await sizeOf(Buffer.from(b64.data![0].b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024, format: 'png' });
    const submit = fake.requests.filter((r) => r.method === 'POST').at(-1);
    expect([submit?.url, submit?.headers.authorization]).toEqual(['/fal-ai/flux/schnell', `Key ${FAL_KEY}`]);
  }, 30_000);

  it.each<FalRequestFailure>(['content_policy_violation', 'nsfw'])('fails the job with content_rejected when fal answers %s, and releases its credits', async (failure) => {
    const before = await credits();
    fake.failNextRequest(failure);
    const res = await post({ prompt: 'a refused request', provider: 'fal', model: 'flux-schnell', size: '1024x1024' }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'content_rejected' }, cost: 0 });
    await settledCredits(t, key, before);
  }, 30_000);
});
