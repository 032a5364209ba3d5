import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BFL_KEY, startBflFake, type BflFake } from '../../plugins/providers/bfl/fake';
import { bearer, settledCredits } from '../support/accounts';
import { sizeOf, startProviderApp, type ProviderApp } from '../support/provider-app';
import type { TestApp } from '../support/test-app';

describe('the bfl provider plugin through the REST API and the OpenAI-compatible endpoint, against its fake', () => {
  let fake: BflFake;
  let t: TestApp;
  let key: string;
  let client: OpenAI;
  let credits: ProviderApp['credits'], download: ProviderApp['download'], finished: ProviderApp['finished'];

  beforeAll(async () => {
    fake = await startBflFake();
    ({ t, key, client, credits, download, finished } = await startProviderApp({
      providers: [{ id: 'bfl', options: { baseUrl: fake.url, pollIntervalMs: 250 }, credentials: { apiKey: BFL_KEY } }],
      plan: 'pro', credits: 500, label: 'bfl', scopes: ['images:generate', 'images:read', 'jobs:read', 'credits:read'], listen: true, jobTimeoutMs: 20_000,
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('generates with FLUX1.1 [pro] through POST /api/v1/images/generations: submitted, polled at the regional URL, the sample stored at the asked size', async () => {
    const before = await credits();
    const res = await t.http().post('/api/v1/images/generations').set(bearer(key))
      .send({ prompt: 'a teal teapot on oak', provider: 'bfl', model: 'flux-pro-1.1', size: '1024x768', format: 'jpeg' }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 4 });
    expect(await sizeOf(await download(job.outputs[0].url))).toEqual({ width: 1024, height: 768, format: 'jpeg' });
    const image = (await t.http().get(`/api/v1/images/${job.outputs[0].id}`).set(bearer(key)).expect(200)).body;
    expect(image).toMatchObject({ provider: 'bfl', model: 'flux-pro-1.1' });
    const task = [...fake.tasks.values()].find((tk) => tk.input.prompt === 'a teal teapot on oak')!;
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining([
      'POST /v1/flux-pro-1.1', `GET /eu1/v1/get_result?id=${task.id}`,
    ]));
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 4, reserved: 0 });
  }, 30_000);

  it('answers POST /v1/images/generations for the bfl model named, to the official openai SDK', async () => {
    const answer = (await client.images.generate({ model: 'flux-dev', prompt: 'a lighthouse', size: '1024x1024', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(await sizeOf(Buffer.from(answer.data![0].b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024, format: 'png' });
    expect(JSON.parse(fake.requests.filter((r) => r.url === '/v1/flux-dev').at(-1)!.body.toString())).toMatchObject({ prompt: 'a lighthouse', width: 1024, height: 1024 });
  }, 30_000);

  it('fails the job with content_rejected when BFL answers Request Moderated, and gives its credits back', async () => {
    const before = await credits();
    fake.failNextTask('Request Moderated');
    const res = await t.http().post('/api/v1/images/generations').set(bearer(key))
      .send({ prompt: 'a flagged request', provider: 'bfl', model: 'flux-pro-1.1', size: '1024x1024' }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'content_rejected', message: expect.stringContaining('flagged by moderation') }, cost: 0 });
    await settledCredits(t, key, before);
  }, 30_000);
});
