import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LUMA_KEY, startLumaFake, type LumaFake } from '../../plugins/providers/luma/fake';
import { RUNWAY_SECRET, startRunwayFake, type RunwayFake } from '../../plugins/providers/runway/fake';
import { bearer, settledCredits } from '../support/accounts';
import { startProviderApp, type ProviderApp } from '../support/provider-app';
import type { TestApp } from '../support/test-app';

describe('video through POST /api/v1/videos/generations with the runway and luma plugins, against their fakes', () => {
  let runway: RunwayFake;
  let luma: LumaFake;
  let t: TestApp;
  let key: string;
  let credits: ProviderApp['credits'], download: ProviderApp['downloadFile'], finished: ProviderApp['finished'];

  beforeAll(async () => {
    [runway, luma] = await Promise.all([startRunwayFake(), startLumaFake()]);
    ({ t, key, credits, downloadFile: download, finished } = await startProviderApp({
      providers: [
        { id: 'runway', options: { baseUrl: runway.url, pollIntervalMs: 250 }, credentials: { apiSecret: RUNWAY_SECRET } },
        { id: 'luma', options: { baseUrl: luma.url, pollIntervalMs: 250 }, credentials: { apiKey: LUMA_KEY } },
      ],
      plan: 'enterprise', credits: 500, label: 'video', scopes: ['videos:generate', 'jobs:read', 'credits:read'], jobTimeoutMs: 20_000,
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([runway?.close(), luma?.close()]);
  });

  const post = (body: object) => t.http().post('/api/v1/videos/generations').set(bearer(key)).send(body);

  it("runway: a Gen-4.5 video from the prompt, stored as Runway's MP4 and charged its per-second price", async () => {
    const before = await credits();
    const accepted = await post({ prompt: 'a lighthouse at dusk', provider: 'runway', model: 'gen4.5', size: '1280x720', durationSeconds: 5, seed: 7 }).expect(202);
    const job = await finished(accepted.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 60 });
    expect(job.outputs).toEqual([expect.objectContaining({ mimeType: 'video/mp4', width: 1280, height: 720, durationSeconds: 5 })]);
    const file = await download(job.outputs[0].url);
    expect([file.type, file.data.subarray(4, 8).toString()]).toEqual(['video/mp4', 'ftyp']);
    const create = runway.requests.find((r) => r.method === 'POST')!;
    expect([create.url, JSON.parse(create.body.toString())]).toEqual(['/v1/text_to_video', { model: 'gen4.5', promptText: 'a lighthouse at dusk', ratio: '1280:720', duration: 5, seed: 7 }]);
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 60, reserved: 0 });
  }, 30_000);

  it('runway: Gen-4 Turbo animates a first frame given as base64; a moderated task fails content_rejected and its credits come back', async () => {
    const frame = (await sharp({ create: { width: 96, height: 96, channels: 3, background: '#3366cc' } }).png().toBuffer()).toString('base64');
    const accepted = await post({ prompt: 'the square turns', provider: 'runway', model: 'gen4-turbo', size: '960x960', durationSeconds: 5, image: { data: frame } }).expect(202);
    const job = await finished(accepted.body.id);
    expect(job).toMatchObject({ status: 'completed', cost: 25 });
    const task = [...runway.tasks.values()].at(-1)!;
    expect([task.endpoint, String(task.body.promptImage).startsWith('data:image/')]).toEqual(['image_to_video', true]);

    const before = await credits();
    runway.failNextTask('SAFETY.INPUT.TEXT', 'The prompt text did not pass content moderation.');
    const refused = await finished((await post({ prompt: 'something refused', provider: 'runway', model: 'gen4.5', size: '1280x720', durationSeconds: 5 }).expect(202)).body.id);
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'content_rejected' } });
    await settledCredits(t, key, { creditsBalance: before.creditsBalance, reserved: 0 });
  }, 30_000);

  it("luma: a Ray Flash 2 video from the prompt, stored as Luma's MP4 and charged its list price", async () => {
    const before = await credits();
    const accepted = await post({ prompt: 'waves on a pier', provider: 'luma', model: 'ray-flash-2', size: '720x1280', durationSeconds: 5 }).expect(202);
    const job = await finished(accepted.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 25 });
    expect(job.outputs).toEqual([expect.objectContaining({ mimeType: 'video/mp4', width: 720, height: 1280, durationSeconds: 5 })]);
    const file = await download(job.outputs[0].url);
    expect([file.type, file.data.subarray(4, 8).toString()]).toEqual(['video/mp4', 'ftyp']);
    const generation = [...luma.generations.values()].at(-1)!;
    expect(generation.request).toMatchObject({ model: 'ray-flash-2', aspect_ratio: '9:16', duration: '5s', resolution: '720p' });
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 25, reserved: 0 });
  }, 30_000);
});
