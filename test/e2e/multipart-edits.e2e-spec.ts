import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

describe('image edits as multipart/form-data', () => {
  let t: TestApp;
  let user: TestUser;
  let key: string;
  let white: Buffer;
  let blue: Buffer;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'm', scopes: ['images:generate', 'images:edit', 'images:read', 'jobs:read', 'credits:read'] })).secret;
    white = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
    blue = await sharp({ create: { width: 48, height: 48, channels: 3, background: '#0000ff' } }).jpeg().toBuffer();
  });
  afterAll(() => t.close());

  const form = (headers: Record<string, string> = {}) => t.http().post('/api/v1/images/edits').set({ ...bearer(key), ...headers });

  async function finished(jobId: string): Promise<{ status: string; outputs: unknown[]; metadata: unknown }> {
    for (let i = 0; i < 100; i++) {
      const job = (await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body;
      if (!['queued', 'processing'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  it('accepts a form with one file, coercing its number and JSON fields, and the job completes', async () => {
    const res = await form()
      .field('prompt', 'red scarlet crimson')
      .field('size', '256x256')
      .field('n', '2')
      .field('seed', '7')
      .field('metadata', '{"sku":"A-100"}')
      .attach('images', white, 'white.png')
      .expect(202);
    expect(res.body).toMatchObject({ status: 'queued' });
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', metadata: { sku: 'A-100' } });
    expect(job.outputs).toHaveLength(2);
  });

  it('blends two files, named as OpenAI clients name them', async () => {
    for (const name of ['image', 'images[]']) {
      const res = await form({ prefer: 'wait=30' }).field('prompt', 'dreamy').field('size', '256x256').attach(name, white, 'a.png').attach(name, blue, 'b.jpg').expect(200);
      expect(res.body).toMatchObject({ type: 'images.edit', status: 'completed', cost: 1 });
    }
  });

  it('counts n against the daily quota, read from the form before the guards run', async () => {
    const usage = async () => (await t.http().get('/api/v1/subscription').set(bearer(key)).expect(200)).body.usage.images;
    const before = await usage();
    await form({ prefer: 'wait=30' }).field('prompt', 'x').field('size', '256x256').field('n', '3').attach('images', white, 'w.png').expect(200);
    expect(await usage()).toBe(before + 3);
  });

  it('refuses bad forms with the same codes as JSON, before anything is queued or charged', async () => {
    const before = (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance;
    const three = await form().field('prompt', 'x').attach('images', white, '1.png').attach('images', white, '2.png').attach('images', white, '3.png').expect(400);
    expect(three.body.error.code).toBe('too_many_images');
    const text = await form().field('prompt', 'x').attach('images', Buffer.from('hello, not an image'), 'notes.png').expect(422);
    expect(text.body.error).toMatchObject({ code: 'unprocessable_image', index: 0 });
    const noPrompt = await form().attach('images', white, 'w.png').expect(400);
    expect(noPrompt.body.error).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining({ field: 'prompt' })] });
    const badN = await form().field('prompt', 'x').field('n', 'two').attach('images', white, 'w.png').expect(400);
    expect(badN.body.error.fields).toEqual([expect.objectContaining({ field: 'n' })]);
    const tooMany = await form().field('prompt', 'x').field('n', '9').attach('images', white, 'w.png').expect(400);
    expect(tooMany.body.error.fields).toEqual([{ field: 'n', messages: ['n must not be greater than 4'] }]);
    const badMetadata = await form().field('prompt', 'x').field('metadata', 'not json').attach('images', white, 'w.png').expect(400);
    expect(badMetadata.body.error.fields).toEqual([expect.objectContaining({ field: 'metadata' })]);
    const noFile = await form().field('prompt', 'x').expect(400);
    expect(noFile.body.error.fields).toEqual([expect.objectContaining({ field: 'images' })]);
    const otherFile = await form().field('prompt', 'x').attach('images', white, 'w.png').attach('photo', white, 'p.png').expect(400);
    expect(otherFile.body.error.message).toContain('property photo should not exist');
    const broken = await form({ 'content-type': 'multipart/form-data' }).send('no boundary here').expect(400);
    expect(broken.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('could not be read') });
    const twice = await form().field('prompt', 'x').field('prompt', 'y').attach('images', white, 'w.png').expect(400);
    expect(twice.body.error.message).toBe('prompt is given more than once');
    expect((await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance).toBe(before);
  });

  it('refuses a file over 20 MB with payload_too_large', async () => {
    const res = await form().field('prompt', 'x').attach('images', Buffer.alloc(20 * 1024 * 1024 + 1), 'huge.png').expect(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large', index: 0 });
    expect(res.body.error.message).toContain('over 20 MB');
  });

  it('replays a repeated form under the same Idempotency-Key, and refuses the key with another prompt', async () => {
    const send = (prompt: string) => form({ 'idempotency-key': 'multipart-1' }).field('prompt', prompt).field('size', '256x256').attach('images', white, 'w.png');
    const first = await send('golden sunset').expect(202);
    const again = await send('golden sunset').expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await send('silver moon').expect(422)).body.error.code).toBe('idempotency_key_reused');
  });

  it("keeps another organisation's images out of reach", async () => {
    const gen = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'blue ocean', size: '256x256' }).expect(200);
    const other = await signUp(t);
    const otherKey = (await createKey(t, other.accessToken, other.orgId, { name: 'o', scopes: ['images:edit'] })).secret;
    await t.http().post('/api/v1/images/edits').set(bearer(otherKey)).send({ prompt: 'x', images: [{ imageId: gen.body.outputs[0].id }] }).expect(404);
  });

  it('takes forms only where a route means to: other routes still refuse them, OpenAI edits take nothing else', async () => {
    const form = await t.http().post('/api/v1/images/generations').set(bearer(key)).field('prompt', 'x').expect(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
    const json = await t.http().post('/v1/images/edits').set(bearer(key)).send({ prompt: 'x', image: [{ data: white.toString('base64') }] }).expect(415);
    expect(json.body.error).toMatchObject({ code: 'unsupported_media_type', message: 'Send the request as multipart/form-data' });
  });
});
