import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDto } from '../../src/jobs/jobs.dto';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { bearer, signUp } from '../support/accounts';
import { providersConfigDir } from '../support/provider-app';
import { startTestApp, type TestApp } from '../support/test-app';

describe("OpenAI's streamed partial images as a generation job's progress", () => {
  let fake: OpenAIFake;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    fake = await startOpenAIFake();
    // The openai plugin streams two partial images from the fake.
    t = await startTestApp({ CONFIG_DIR: providersConfigDir([{ id: 'openai', options: { baseUrl: fake.url, partialImages: 2 }, credentials: { apiKey: FAKE_OPENAI_KEY } }]) });
    token = (await signUp(t)).accessToken;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('shows the progress of each partial image while the job runs, then completes with the image, its request id and dollar cost', async () => {
    // Slower than the job's progress writes (at most one a second), so each partial image shows.
    fake.pauseBetweenEvents(1_200);
    const res = await t.http().post('/api/v1/images/generations').set(bearer(token))
      .send({ prompt: 'a teal teapot', provider: 'openai', model: 'gpt-image-medium', size: '1024x1024', format: 'png' })
      .expect(202);

    const progressWhileRunning: JobDto['progress'][] = [];
    let job: JobDto;
    for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
      job = (await t.http().get(`/api/v1/jobs/${res.body.id}`).set(bearer(token)).expect(200)).body as JobDto;
      if (job.status === 'processing' && job.progress) progressWhileRunning.push(job.progress);
      if (!['queued', 'processing'].includes(job.status) || Date.now() - started > 20_000) break;
    }

    expect(fake.calls.at(-1)!.fields).toMatchObject({ stream: true, partial_images: 2 });
    expect(progressWhileRunning).toContainEqual({ done: 33, total: 100 });
    expect(progressWhileRunning).toContainEqual({ done: 67, total: 100 });
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 4 });
    expect(job.steps).toEqual([expect.objectContaining({ provider: 'openai', requestId: expect.stringMatching(/^req_[0-9a-f]{8}$/), providerCost: { amount: (10 * 5 + 272 * 32) / 1e6, currency: 'USD' } })]);
    const url = new URL(job.outputs[0].url);
    const image = await t.http().get(url.pathname + url.search).set(bearer(token)).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(await sharp(image.body as Buffer).metadata()).toMatchObject({ width: 1024, height: 1024, format: 'png' });
  }, 30_000);
});
