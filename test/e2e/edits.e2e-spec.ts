import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

describe('image edits', () => {
  let t: TestApp;
  let user: TestUser;
  let key: string;
  let white: string;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'e', scopes: ['images:generate', 'images:edit', 'images:read', 'jobs:read', 'credits:read'] })).secret;
    white = (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer()).toString('base64');
  });
  afterAll(() => t.close());

  const edit = (body: Record<string, unknown>) => t.http().post('/api/v1/images/edits').set({ ...bearer(key), prefer: 'wait=30' }).send(body);

  it('recolours a base64 source toward the prompt and charges one edit', async () => {
    const res = await edit({ prompt: 'red scarlet crimson', size: '256x256', style: 'realistic', images: [{ data: white, mimeType: 'image/png' }] }).expect(200);
    expect(res.body).toMatchObject({ type: 'images.edit', status: 'completed', cost: 1, outputs: [{ width: 256, height: 256 }] });
    const image = await t.http().get(`/api/v1/images/${res.body.outputs[0].id}`).set(bearer(key)).expect(200);
    expect(image.body.prompt).toBe('red scarlet crimson');
    // The sources were stored only until the job succeeded.
    expect(() => readFileSync(`${t.config.dataDir}/files/sources/${user.orgId}/${res.body.id}-0`)).toThrow();
  });

  it('blends two sources, one of them an image from the gallery', async () => {
    const gen = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'blue ocean', size: '256x256' }).expect(200);
    const res = await edit({ prompt: 'dreamy', size: '256x256', images: [{ imageId: gen.body.outputs[0].id }, { data: white, mimeType: 'image/png' }] }).expect(200);
    expect(res.body.status).toBe('completed');
  });

  it('refuses bad sources with the right codes, before anything is queued or charged', async () => {
    const before = (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance;
    expect((await edit({ prompt: 'x', images: [{ data: '***not base64***' }] }).expect(400)).body.error).toMatchObject({ code: 'invalid_base64', index: 0 });
    const three = [{ data: white }, { data: white }, { data: white }];
    expect((await edit({ prompt: 'x', images: three }).expect(400)).body.error.code).toBe('too_many_images');
    expect((await edit({ prompt: 'x', images: [{ data: Buffer.from('hello, not an image').toString('base64') }] }).expect(422)).body.error).toMatchObject({ code: 'unprocessable_image', index: 0 });
    expect((await edit({ prompt: 'x', images: [] }).expect(400)).body.error.code).toBe('validation_failed');
    await edit({ prompt: 'x', images: [{ imageId: '00000000-0000-7000-8000-000000000000' }] }).expect(404);
    const other = await signUp(t);
    const otherKey = (await createKey(t, other.accessToken, other.orgId, { name: 'o', scopes: ['images:edit'] })).secret;
    const mine = (await t.http().get('/api/v1/images?limit=1').set(bearer(key)).expect(200)).body.data[0];
    await t.http().post('/api/v1/images/edits').set(bearer(otherKey)).send({ prompt: 'x', images: [{ imageId: mine.id }] }).expect(404);
    expect((await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance).toBe(before);
  });

  it('needs images:edit', async () => {
    const genOnly = (await createKey(t, user.accessToken, user.orgId, { name: 'g', scopes: ['images:generate'] })).secret;
    const res = await t.http().post('/api/v1/images/edits').set(bearer(genOnly)).send({ prompt: 'x', images: [{ data: white }] }).expect(403);
    expect(res.body.error.requiredScope).toBe('images:edit');
  });
});
