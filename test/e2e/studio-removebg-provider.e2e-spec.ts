import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHOTOROOM_KEY, startPhotoroomFake, type PhotoroomFake } from '../../plugins/providers/photoroom/fake';
import { REMOVEBG_KEY, startRemoveBgFake, type RemoveBgFake } from '../../plugins/providers/removebg/fake';
import { bearer, createKey, settledCredits, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

/** A CONFIG_DIR with aura, removebg and photoroom (their backends the fakes), and plans that allow more work a minute. */
function configWithRemovers(removeBgUrl: string, photoroomUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-removebg-'));
  writeFileSync(join(dir, 'default.yaml'), [
    'plugins:',
    '  providers:',
    '    - aura',
    `    - { id: removebg, options: { baseUrl: "${removeBgUrl}" }, credentials: { apiKey: ${REMOVEBG_KEY} } }`,
    `    - { id: photoroom, options: { baseUrl: "${photoroomUrl}" }, credentials: { apiKey: ${PHOTOROOM_KEY} } }`,
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'plans.yaml'), plansWithMoreWork());
  return dir;
}

/** A red product photo on grey. */
const photo = () => sharp({ create: { width: 160, height: 120, channels: 3, background: '#c0392b' } }).jpeg().toBuffer();

describe('POST /api/v1/backgrounds/remove through a provider plugin with the removeBackground capability', () => {
  let removeBg: RemoveBgFake;
  let photoroom: PhotoroomFake;
  let t: TestApp;
  let key: string;
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body as { creditsBalance: number; reserved: number };
  const jobs = async () => ((await t.http().get('/api/v1/jobs?limit=100').set(bearer(key)).expect(200)).body.data as { id: string; status: string; cost: number }[]).map(({ id, status, cost }) => ({ id, status, cost }));
  const remove = (body: Record<string, unknown>) => t.http().post('/api/v1/backgrounds/remove').set(bearer(key)).send(body);
  const posts = () => [...removeBg.requests, ...photoroom.requests].filter((r) => r.method === 'POST').map((r) => r.url);
  const download = async (link: string) => {
    const url = new URL(link);
    return (await t.http().get(url.pathname + url.search).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200)).body as Buffer;
  };
  /** The file's channels, and the value of its last channel (alpha, or the grey of a mask) in a corner and in the middle. */
  const cornerAndMiddle = async (image: Buffer) => {
    const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels + info.channels - 1];
    return { channels: (await sharp(image).metadata()).channels, corner: at(2, 2), middle: at(info.width / 2, info.height / 2) };
  };

  beforeAll(async () => {
    [removeBg, photoroom] = await Promise.all([startRemoveBgFake(), startPhotoroomFake()]);
    t = await startTestApp({ CONFIG_DIR: configWithRemovers(removeBg.url, photoroom.url) });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'removebg', scopes: ['studio:process', 'jobs:read', 'credits:read', 'images:read'] })).secret;
  });
  afterAll(async () => {
    await t?.close();
    await removeBg?.close();
    await photoroom?.close();
  });

  it("answers remove.bg's cut-out, transparent around the product, and charges the studio's price", async () => {
    const res = await remove({ image: { data: (await photo()).toString('base64') }, provider: 'removebg' }).expect(200);
    expect(res.body).toMatchObject({ width: 160, height: 120, format: 'png', cost: 1, creditsBalance: 99 });
    expect(res.body.steps.map((s: { name: string }) => s.name)).toEqual(['removeBackground']);
    expect(posts()).toEqual(['/v1.0/removebg']);
    expect(removeBg.requests.at(-1)!.headers['x-api-key']).toBe(REMOVEBG_KEY);
    expect(await cornerAndMiddle(await download(res.body.url))).toEqual({ channels: 4, corner: 0, middle: 255 });

    const job = (await t.http().get(`/api/v1/jobs/${res.body.jobId}`).set(bearer(key)).expect(200)).body;
    expect(job).toMatchObject({ type: 'backgrounds.remove', status: 'completed', cost: 1, outputs: [{ id: res.body.imageId, width: 160, height: 120, format: 'png' }] });
    await settledCredits(t, key, { creditsBalance: 99, reserved: 0 });
  }, 60_000);

  it("answers Photoroom's cut-out as the mask alone, named by its model, as a form", async () => {
    removeBg.requests.length = 0;
    const res = await t.http().post('/api/v1/backgrounds/remove').set(bearer(key))
      .attach('image', await photo(), 'photo.jpg').field('provider', 'photoroom').field('model', 'segment').field('output', 'mask').expect(200);
    expect(res.body).toMatchObject({ width: 160, height: 120, format: 'png', cost: 1, creditsBalance: 98 });
    expect(res.body.steps.map((s: { name: string }) => s.name)).toEqual(['removeBackground', 'encode']);
    expect(posts()).toEqual(['/v1/segment']);
    expect(await cornerAndMiddle(await download(res.body.url))).toEqual({ channels: 1, corner: 0, middle: 255 });
    await settledCredits(t, key, { creditsBalance: 98, reserved: 0 });
  }, 60_000);

  it("fails the job with the provider's error, and charges nothing", async () => {
    removeBg.failNextWith('insufficient_credits');
    const res = await remove({ image: { data: (await photo()).toString('base64') }, provider: 'removebg' }).expect(502);
    expect(res.body.error).toMatchObject({ code: 'provider_quota_exhausted', message: expect.stringContaining('removebg: Insufficient credits'), jobId: expect.any(String) });
    const job = (await t.http().get(`/api/v1/jobs/${res.body.error.jobId}`).set(bearer(key)).expect(200)).body;
    expect(job).toMatchObject({ type: 'backgrounds.remove', status: 'failed', cost: 0, error: { code: 'provider_quota_exhausted' } });
    await settledCredits(t, key, { creditsBalance: 98, reserved: 0 });
  }, 60_000);

  it('refuses a provider without the capability, an unknown model, a model without a provider and a mode with one, before anything is queued or charged', async () => {
    removeBg.requests.length = 0;
    photoroom.requests.length = 0;
    const [before, jobsBefore] = [await credits(), await jobs()];
    const image = { data: (await photo()).toString('base64') };

    const aura = await remove({ image, provider: 'aura' }).expect(400);
    expect(aura.body.error).toMatchObject({ code: 'invalid_model', message: 'The provider "aura" cannot removeBackground: no model of it has that capability' });
    const unknown = await remove({ image, provider: 'photoroom', model: 'plus' }).expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_model', message: 'Unknown model "plus" for photoroom' });
    const alone = await remove({ image, model: 'segment' }).expect(400);
    expect(alone.body.error).toMatchObject({ code: 'validation_failed', message: 'model goes with provider' });
    const mode = await remove({ image, provider: 'removebg', mode: 'model' }).expect(400);
    expect(mode.body.error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'mode' }] });

    expect(posts()).toEqual([]);
    expect(await jobs()).toEqual(jobsBefore);
    expect(await credits()).toEqual(before);
  });
});
