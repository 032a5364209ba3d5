import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KLING_ACCESS_KEY, KLING_ERRORS, KLING_SECRET_KEY, startKlingFake, type KlingFake } from '../../plugins/providers/kling/fake';
import { bearer, settledCredits } from '../support/accounts';
import { sizeOf, startProviderApp, type ProviderApp } from '../support/provider-app';
import type { TestApp } from '../support/test-app';

/** Kling v1, the kling id's image model: 2 credits an image, listed at $0.014. */
const MODEL = 'kling-v1';
const PRICE = 2;

describe('the kling plugin through POST /api/v1/images/generations, its key pair and base URL from the environment, against its fake', () => {
  let fake: KlingFake;
  let t: TestApp;
  let key: string;
  let credits: ProviderApp['credits'], download: ProviderApp['download'], finished: ProviderApp['finished'];

  beforeAll(async () => {
    fake = await startKlingFake();
    ({ t, key, credits, download, finished } = await startProviderApp({
      providers: [{ id: 'kling', options: { pollIntervalMs: 250 } }],
      env: { KLING_ACCESS_KEY, KLING_SECRET_KEY, KLING_BASE_URL: fake.url },
      plan: 'pro', credits: 500, label: 'kling', scopes: ['images:generate', 'images:read', 'jobs:read', 'credits:read'], jobTimeoutMs: 20_000,
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const generate = (body: object) => t.http().post('/api/v1/images/generations').set(bearer(key)).send({ provider: 'kling', model: MODEL, ...body }).expect(202);

  it("generates two images in one Kling task, signed with the platform's key pair, stored at the asked size, the step naming Kling's task and its list price", async () => {
    const before = await credits();
    const job = await finished((await generate({ prompt: 'a teal teapot on oak', size: '1344x768', format: 'webp', n: 2 })).body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 2 * PRICE });
    expect(job.outputs).toHaveLength(2);
    for (const output of job.outputs) expect(await sizeOf(await download(output.url))).toEqual({ width: 1344, height: 768, format: 'webp' });

    const [task] = [...fake.tasks.values()].filter((tk) => tk.body.prompt === 'a teal teapot on oak');
    expect(task.body).toEqual({ model_name: MODEL, prompt: 'a teal teapot on oak', n: 2, aspect_ratio: '16:9' });
    const submit = fake.requests.find((r) => r.method === 'POST' && JSON.parse(r.body.toString()).prompt === 'a teal teapot on oak')!;
    expect(submit.url).toBe('/v1/images/generations');
    expect(decodeJwt(/^Bearer (.+)$/.exec(String(submit.headers.authorization))![1]).iss).toBe(KLING_ACCESS_KEY);
    expect(fake.requests.some((r) => r.method === 'GET' && r.url === `/v1/images/generations/${task.id}`)).toBe(true);

    expect(job.steps).toEqual([expect.objectContaining({
      provider: 'kling', model: MODEL, keySource: 'platform', status: 'succeeded', error: null,
      requestId: task.id, providerCost: { amount: 0.028, currency: 'USD' }, credits: 2 * PRICE,
    })]);
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 2 * PRICE, reserved: 0 });
  }, 30_000);

  it("fails the job with provider_quota_exhausted when Kling answers 429 with code 1102 (resource pack depleted), and gives its credits back", async () => {
    const before = await credits();
    fake.answerNext(KLING_ERRORS.packDepleted);
    const job = await finished((await generate({ prompt: 'a teapot with no pack left', size: '1024x1024' })).body.id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'provider_quota_exhausted', message: expect.stringContaining('Resource pack depleted') }, cost: 0 });
    expect(job.steps).toEqual([expect.objectContaining({ provider: 'kling', status: 'failed', error: expect.objectContaining({ code: 'provider_quota_exhausted' }), credits: 0 })]);
    await settledCredits(t, key, before);
  }, 30_000);
});
