import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { STABILITY_KEY, startStabilityFake, type StabilityFake } from '../../plugins/providers/stability/fake';
import { settlePublicUrl } from '../../src/config/public-url';
import { ToyStoreFake } from '../fixtures/plugins/channels/toy/fake';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const TOY_PLUGINS = join(__dirname, '../fixtures/plugins/channels');
const SCOPES = ['images:generate', 'images:read', 'jobs:read', 'credits:read', 'studio:process', 'channels:read', 'channels:write', 'channels:publish'];

/** A CONFIG_DIR with the providers listed (openai and stability pointed at their fakes) and plans with channels on. */
function configDir(providers: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-test-mode-'));
  writeFileSync(join(dir, 'default.yaml'), `plugins:\n  providers:\n${providers.map((p) => `    - ${p}\n`).join('')}`);
  writeFileSync(join(dir, 'plans.yaml'), plansWithChannels());
  return dir;
}

interface Job {
  id: string;
  status: string;
  cost: number;
  test?: boolean;
  error: { code: string; message: string } | null;
  outputs: { id: string; test?: boolean }[];
  steps?: { provider: string; model: string; status: string; credits: number }[];
}

describe('test keys (drk_test_): aura instead of paid providers, no credits, outputs marked, no publishing, usage apart', () => {
  let openai: OpenAIFake;
  let stability: StabilityFake;
  let store: ToyStoreFake;
  let t: TestApp;
  let live: string;
  let test: string;
  let connectionId: string;
  const as = (key: string) => ({
    post: (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => t.http().post(path).set({ ...bearer(key), ...headers }).send(body),
    get: (path: string) => t.http().get(path).set(bearer(key)),
  });
  /** Image calls the fakes received: health checks are GETs, work is POSTed. */
  const providerCalls = () => [...openai.requests, ...stability.requests].filter((r) => r.method === 'POST').length;
  const ledger = async () => (await as(live).get('/api/v1/credits/ledger?limit=100').expect(200)).body.data as unknown[];
  const balance = async () => (await as(live).get('/api/v1/credits').expect(200)).body as { creditsBalance: number; reserved: number };
  const job = async (key: string, id: string): Promise<Job> => (await as(key).get(`/api/v1/jobs/${id}`).expect(200)).body;

  beforeAll(async () => {
    [openai, stability, store] = await Promise.all([startOpenAIFake(), startStabilityFake(), new ToyStoreFake().start()]);
    const config = configDir([
      'aura',
      `{ id: openai, options: { baseUrl: "${openai.url}" }, credentials: { apiKey: "${FAKE_OPENAI_KEY}" } }`,
      `{ id: stability, options: { baseUrl: "${stability.url}" }, credentials: { apiKey: "${STABILITY_KEY}" } }`,
    ]);
    t = await startTestApp({ CONFIG_DIR: config, CHANNEL_PLUGINS: 'toy', ALLOW_PRIVATE_URLS: 'true', PORT: '0' }, { channelRoots: [TOY_PLUGINS] });
    // The store fetches what is published by its signed link: the app listens, and its links name its port.
    await t.app.listen(0, '127.0.0.1');
    settlePublicUrl(t.config, (t.app.getHttpServer().address() as AddressInfo).port);
    const owner = await signUp(t);
    live = (await createKey(t, owner.accessToken, owner.orgId, { name: 'live', scopes: SCOPES })).secret;
    test = (await createKey(t, owner.accessToken, owner.orgId, { name: 'test', type: 'test', scopes: SCOPES })).secret;
    expect(test).toMatch(/^drk_test_/);
    await store.resetCatalogue([{ title: 'Blue mug', skus: ['MUG-B'], updatedAt: new Date('2024-01-01') }]);
    connectionId = (await as(live).post('/api/v1/channels/connections', { channel: 'toy', name: 'Toy', rulePack: 'amazon', credentials: store.install() }).expect(201)).body.id;
    await as(live).post(`/api/v1/channels/connections/${connectionId}/sync`, {}, { prefer: 'wait=30' }).expect(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([openai?.close(), stability?.close(), store?.close()]);
  });

  it('generates with aura when the request names openai: the fake hears nothing, the job and its images are test, and no credit moves', async () => {
    const [before, entries, calls] = [await balance(), (await ledger()).length, providerCalls()];
    const body = { prompt: 'a teal teapot on oak', provider: 'openai', model: 'gpt-image-medium', size: '1024x1024', format: 'webp', n: 2 };
    const res = await as(test).post('/api/v1/images/generations', body, { prefer: 'wait=30' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', cost: 0, test: true });
    expect(res.body.outputs).toEqual([expect.objectContaining({ width: 1024, height: 1024, format: 'webp', test: true }), expect.objectContaining({ test: true })]);
    expect((await job(test, res.body.id)).steps).toEqual([expect.objectContaining({ provider: 'aura', model: 'aura', status: 'succeeded', credits: 0 })]);
    const image = (await as(test).get(`/api/v1/images/${res.body.outputs[0].id}`).expect(200)).body;
    expect(image).toMatchObject({ provider: 'aura', model: 'aura', test: true });
    expect(providerCalls()).toBe(calls);
    expect(await balance()).toEqual(before);
    expect(await ledger()).toHaveLength(entries);
  }, 60_000);

  it('gives a batch of a test key test children, all free', async () => {
    const entries = (await ledger()).length;
    const res = await as(test).post('/api/v1/jobs', { items: [{ operation: 'images.generate', prompt: 'one', provider: 'openai' }, { operation: 'images.generate', prompt: 'two' }] }, { prefer: 'wait=30' }).expect(200);
    expect(res.body).toMatchObject({ type: 'batch', status: 'completed', cost: 0, test: true });
    for (const child of res.body.children as { id: string }[]) expect(await job(test, child.id)).toMatchObject({ status: 'completed', cost: 0, test: true });
    expect(await ledger()).toHaveLength(entries);
  }, 60_000);

  it('marks nothing a live key makes as test, and the gallery filters on test', async () => {
    const res = await as(live).post('/api/v1/images/generations', { prompt: 'a live teapot', provider: 'openai', model: 'gpt-image-low', size: '1024x1024' }, { prefer: 'wait=30' }).expect(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.cost).toBeGreaterThan(0);
    expect(res.body).not.toHaveProperty('test');
    expect(res.body.outputs[0]).not.toHaveProperty('test');
    const gallery = async (filter: string) => ((await as(live).get(`/api/v1/images?limit=100${filter}`).expect(200)).body.data as { id: string; test?: boolean }[]);
    const [all, onlyTest, noTest] = [await gallery(''), await gallery('&test=true'), await gallery('&test=false')];
    expect(noTest.map((i) => i.id)).toEqual([res.body.outputs[0].id]);
    expect(onlyTest.length).toBe(all.length - 1);
    expect(onlyTest.every((i) => i.test === true)).toBe(true);
    expect((await as(live).get('/api/v1/images?test=maybe').expect(400)).body.error.code).toBe('validation_failed');
  }, 60_000);

  it('quotes 0 credits to a test key, and the price to a live one', async () => {
    const body = { operation: 'images.generate', prompt: 'a teapot', provider: 'openai', model: 'gpt-image-high', n: 3 };
    const quoted = (await as(test).post('/api/v1/quotes', body).expect(200)).body;
    expect(quoted).toMatchObject({ credits: 0, enough: true, items: [{ credits: 0, reason: expect.stringMatching(/free with a test key/) }] });
    expect((await as(live).post('/api/v1/quotes', body).expect(200)).body.credits).toBeGreaterThan(0);
  });

  it('upscales with the built-in pipeline when a test key names a provider that upscales', async () => {
    const [before, calls] = [await balance(), providerCalls()];
    const source = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const res = await as(test).post('/api/v1/upscale', { image: { data: source.toString('base64') }, factor: 2, provider: 'stability' }).expect(200);
    expect(res.body).toMatchObject({ width: 192, height: 128, cost: 0 });
    expect(res.body.steps.map((s: { name: string }) => s.name)).toContain('sharpen');
    expect(await job(test, res.body.jobId)).toMatchObject({ status: 'completed', cost: 0, test: true, outputs: [{ id: res.body.imageId, test: true }] });
    expect(providerCalls()).toBe(calls);
    expect(await balance()).toEqual(before);
  }, 60_000);

  it("answers a test key's publish, bulk fix and listing as dry runs, and nothing reaches the store", async () => {
    const imageId = (await as(test).post('/api/v1/images/generations', { prompt: 'a blue mug', size: '512x512' }, { prefer: 'wait=30' }).expect(200)).body.outputs[0].id;
    const published = await as(test).post('/api/v1/channels/publish', { connectionId, sku: 'MUG-B', imageId }, { prefer: 'wait=30' }).expect(200);
    expect(published.body).toMatchObject({ dryRun: true, reason: 'test keys never publish', connectionId, productTitle: 'Blue mug', imageId });
    const listed = await as(test).post('/api/v1/listings/images', { imageId, sku: 'MUG-B', connectionIds: [connectionId] }).expect(200);
    expect(listed.body).toMatchObject({ dryRun: true, reason: 'test keys never publish', plans: [{ connectionId, imageId }] });
    const fixed = await as(test).post(`/api/v1/channels/connections/${connectionId}/fix`, {}).expect(200);
    expect(fixed.body).toMatchObject({ dryRun: true, reason: 'test keys never publish', images: [] });
    const asJob = await as(test).post('/api/v1/jobs', { operation: 'channels.publish', connectionId, sku: 'MUG-B', imageId }).expect(400);
    expect(asJob.body.error.message).toMatch(/test keys never publish/);

    expect((await as(live).get('/api/v1/channels/activity').expect(200)).body.data).toEqual([]);
    await as(live).post(`/api/v1/channels/connections/${connectionId}/sync`, {}, { prefer: 'wait=30' }).expect(200);
    const product = (await as(live).get(`/api/v1/channels/connections/${connectionId}/products?search=MUG-B`).expect(200)).body.data[0];
    expect(product.images).toEqual([]);
  }, 60_000);

  it('lists test steps apart from the rest in the provider usage', async () => {
    const rows = (await as(live).get('/api/v1/usage/providers').expect(200)).body.data as { provider: string; keySource: string; test: boolean; succeeded: number; credits: number }[];
    const testRows = rows.filter((r) => r.test);
    expect(testRows).toEqual([expect.objectContaining({ provider: 'aura', keySource: 'platform', test: true, credits: 0 })]);
    expect(testRows[0].succeeded).toBeGreaterThanOrEqual(4);
    expect(rows.filter((r) => !r.test)).toEqual([expect.objectContaining({ provider: 'openai', test: false, succeeded: 1, credits: expect.any(Number) })]);
    expect(rows.find((r) => !r.test)!.credits).toBeGreaterThan(0);
  });
});

describe('test keys where aura is not configured', () => {
  let openai: OpenAIFake;
  let t: TestApp;
  let test: string;

  beforeAll(async () => {
    openai = await startOpenAIFake();
    t = await startTestApp({ CONFIG_DIR: configDir([`{ id: openai, options: { baseUrl: "${openai.url}" }, credentials: { apiKey: "${FAKE_OPENAI_KEY}" } }`]) });
    const owner = await signUp(t);
    test = (await createKey(t, owner.accessToken, owner.orgId, { name: 'test', type: 'test', scopes: SCOPES })).secret;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await openai?.close();
  });

  it('fails the job clearly rather than calling the paid provider', async () => {
    const res = await t.http().post('/api/v1/images/generations').set({ ...bearer(test), prefer: 'wait=30' }).send({ prompt: 'a teapot', provider: 'openai' }).expect(200);
    expect(res.body).toMatchObject({ status: 'failed', test: true, cost: 0, error: { code: 'provider_unavailable', message: 'test mode renders with aura, which is not configured here' } });
    expect(openai.requests.filter((r) => r.method === 'POST')).toEqual([]);
  }, 60_000);
});
