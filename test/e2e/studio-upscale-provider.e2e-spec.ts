import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProviderInstanceConfig } from '../../src/config/provider-instances';
import type { LoadedProvider } from '../../src/plugins/provider-loader';
import { ECHO_KEY, startEchoFake, type EchoFake } from '../fixtures/plugins/providers/echo/fake';
import { bearer, createKey, settledCredits, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

/**
 * The app loads provider plugins from plugins/providers only, and echo, a test-only plugin, lives in
 * test/fixtures/plugins/providers: the configured echo ids are loaded from there, the others as the app does.
 */
vi.mock('../../src/plugins/provider-loader', async (importOriginal) => {
  const loader = await importOriginal<typeof import('../../src/plugins/provider-loader')>();
  const { join: joinPath } = await import('node:path');
  const fixtures = joinPath(__dirname, '..', 'fixtures', 'plugins', 'providers');
  const loadedBy = (module: Awaited<ReturnType<typeof loader.loadProviderPlugins>>) => (module.providers as { useValue: LoadedProvider[] }[])[0].useValue;
  return {
    ...loader,
    loadProviderPlugins: async (root: string, instances: ProviderInstanceConfig[], problems: string[]) => {
      const shipped = await loader.loadProviderPlugins(root, instances.filter((i) => i.use !== 'echo'), problems);
      const echo = await loader.loadProviderPlugins(fixtures, instances.filter((i) => i.use === 'echo'), problems);
      const loaded = [...loadedBy(shipped), ...loadedBy(echo)].sort((a, b) => instances.indexOf(a.config) - instances.indexOf(b.config));
      return { ...shipped, providers: [{ provide: loader.PROVIDER_INSTANCES, useValue: loaded }] };
    },
  };
});

/** A CONFIG_DIR with aura and echo (its backend the fake), and plans that allow more work a minute. */
function configWithEcho(fakeUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-upscale-'));
  writeFileSync(join(dir, 'default.yaml'), `plugins:\n  providers:\n    - aura\n    - { id: echo, use: echo, options: { baseUrl: "${fakeUrl}" }, credentials: { apiKey: ${ECHO_KEY} } }\n`);
  writeFileSync(join(dir, 'plans.yaml'), plansWithMoreWork());
  return dir;
}

/** A PNG whose left half is red and right half blue, so a stretched copy shows where it came from. */
const halves = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#ff0000' } })
    .composite([{ input: { create: { width: width / 2, height, channels: 3, background: '#0000ff' } }, left: width / 2, top: 0 }])
    .png()
    .toBuffer();

describe('POST /api/v1/upscale through a provider plugin with the upscale capability', () => {
  let fake: EchoFake;
  let t: TestApp;
  let key: string;
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body as { creditsBalance: number; reserved: number };
  // Each job with its status and cost: output links are signed anew on every read (their expiry moves on with the clock).
  const jobs = async () => ((await t.http().get('/api/v1/jobs?limit=100').set(bearer(key)).expect(200)).body.data as { id: string; status: string; cost: number }[]).map(({ id, status, cost }) => ({ id, status, cost }));
  const submitted = () => fake.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body.toString()) as Record<string, unknown>);
  const upscale = (body: Record<string, unknown>) => t.http().post('/api/v1/upscale').set(bearer(key)).send(body);

  beforeAll(async () => {
    fake = await startEchoFake();
    t = await startTestApp({ CONFIG_DIR: configWithEcho(fake.url) });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'upscale', scopes: ['studio:process', 'jobs:read', 'credits:read', 'images:read'] })).secret;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it("answers with the provider's output, twice the source on each side, and charges the upscale price", async () => {
    const source = await halves(128, 96);
    const res = await upscale({ image: { data: source.toString('base64') }, factor: 2, provider: 'echo' }).expect(200);
    expect(res.body).toMatchObject({ width: 256, height: 192, format: 'png', cost: 1, creditsBalance: 99 });
    expect(res.body.steps.map((s: { name: string }) => s.name)).toEqual(['upscale']);

    expect(submitted()).toEqual([{ operation: 'upscale', model: 'echo-upscale', image: source.toString('base64'), width: 256, height: 192, format: 'png' }]);
    const url = new URL(res.body.url);
    const output = (await t.http().get(url.pathname + url.search).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200)).body as Buffer;
    const { data, info } = await sharp(output).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect({ width: info.width, height: info.height }).toEqual({ width: 256, height: 192 });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect([pixel(10, 96), pixel(245, 96)]).toEqual([[255, 0, 0], [0, 0, 255]]);

    const job = (await t.http().get(`/api/v1/jobs/${res.body.jobId}`).set(bearer(key)).expect(200)).body;
    expect(job).toMatchObject({ type: 'upscale', status: 'completed', cost: 1, outputs: [{ id: res.body.imageId, width: 256, height: 192, format: 'png' }] });
    await settledCredits(t, key, { creditsBalance: 99, reserved: 0 });
  }, 60_000);

  it('refuses a provider none of whose models upscales, and a size the model does not take, before anything is queued or charged', async () => {
    fake.requests.length = 0;
    const [before, jobsBefore] = [await credits(), await jobs()];
    const image = { data: (await halves(128, 96)).toString('base64') };

    const aura = await upscale({ image, factor: 2, provider: 'aura' }).expect(400);
    expect(aura.body.error).toMatchObject({ code: 'invalid_model', message: 'The provider "aura" cannot upscale: no model of it has that capability' });

    // 300x200 doubled is 600x400: over echo-upscale's 512 px sides, though within the plan's pixels.
    const large = await upscale({ image: { data: (await halves(300, 200)).toString('base64') }, factor: 2, provider: 'echo' }).expect(400);
    expect(large.body.error).toMatchObject({ code: 'invalid_model', message: 'size must be from 64x64 to 512x512, multiples of 32' });

    expect(submitted()).toEqual([]);
    expect(await jobs()).toEqual(jobsBefore);
    expect(await credits()).toEqual(before);
  });
});
