import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

describe('OpenAI-compatible images API, driven by the official openai SDK', () => {
  let t: TestApp;
  let client: OpenAI;
  let png: Buffer;
  let user: TestUser;
  beforeAll(async () => {
    png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    user = await signUp(t);
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'sdk', scopes: ['images:generate', 'images:edit'] });
    client = new OpenAI({ apiKey: key.secret, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });
  afterAll(() => t.close());

  const upload = (name = 'a.png') => toFile(png, name, { type: 'image/png' });
  // Links name PUBLIC_URL (localhost:3000); the app under test listens on another port.
  const downloadable = (url: string) => url.replace('http://localhost:3000', (client.baseURL as string).replace('/v1', ''));

  it('generates with b64_json', async () => {
    const res = (await client.images.generate({ model: 'aura', prompt: 'a red fox in autumn', size: '256x256', n: 2, response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(res.data).toHaveLength(2);
    const meta = await sharp(Buffer.from(res.data![0].b64_json!, 'base64')).metadata();
    expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width: 256, height: 256, format: 'png' });
    expect(res.created).toBeGreaterThan(0);
  });

  it('generates with a url the caller can download, in the asked format', async () => {
    const res = (await client.images.generate({ model: 'aura', prompt: 'blue calm', size: '512x512', output_format: 'webp' })) as OpenAI.ImagesResponse;
    const download = await fetch(downloadable(res.data![0].url!));
    expect(download.headers.get('content-type')).toBe('image/webp');
  });

  it('answers an unknown model with 400 invalid_model listing the available ones', async () => {
    const err = await client.images.generate({ model: 'dall-e-3', prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'invalid_model', available: ['aura'] });
  });

  it('edits an uploaded image and answers with a url', async () => {
    const res = (await client.images.edit({ model: 'aura', image: await upload(), prompt: 'red scarlet crimson', size: '256x256' })) as OpenAI.ImagesResponse;
    expect(res.data).toHaveLength(1);
    const download = await fetch(downloadable(res.data![0].url!));
    const meta = await sharp(Buffer.from(await download.arrayBuffer())).metadata();
    expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width: 256, height: 256, format: 'png' });
  });

  it('edits with b64_json, n images in the asked format, and blends two images sent as image[]', async () => {
    const res = (await client.images.edit({ model: 'aura', image: await upload(), prompt: 'blue calm', size: '512x512', n: 2, response_format: 'b64_json', output_format: 'webp' })) as OpenAI.ImagesResponse;
    expect(res.data).toHaveLength(2);
    const meta = await sharp(Buffer.from(res.data![0].b64_json!, 'base64')).metadata();
    expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width: 512, height: 512, format: 'webp' });
    const blend = (await client.images.edit({ model: 'aura', image: [await upload('a.png'), await upload('b.png')], prompt: 'dreamy', size: '256x256', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(blend.data).toHaveLength(1);
  });

  it('answers an unknown edit model with 400 invalid_model, and refuses a mask without alpha and transparent backgrounds aura cannot make', async () => {
    const err = await client.images.edit({ model: 'gpt-image-1', image: await upload(), prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'invalid_model', available: ['aura'] });
    const opaqueMask = await client.images.edit({ model: 'aura', image: await upload(), mask: await upload('mask.png'), prompt: 'x' }).catch((e: unknown) => e);
    expect((opaqueMask as InstanceType<typeof OpenAI.UnprocessableEntityError>).error).toMatchObject({ code: 'unprocessable_image', message: expect.stringContaining('mask must be a PNG with an alpha channel') });
    const transparent = await client.images.edit({ model: 'aura', image: await upload(), background: 'transparent', prompt: 'x' }).catch((e: unknown) => e);
    expect((transparent as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'validation_failed', message: 'aura/aura makes no transparent backgrounds' });
  });

  it('edits inside a mask: where the mask is opaque the source is kept exactly', async () => {
    const source = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    // Transparent on the left half (to change), opaque on the right (kept).
    const rgba = Buffer.alloc(256 * 256 * 4);
    for (let i = 0; i < 256 * 256; i++) rgba[i * 4 + 3] = i % 256 < 128 ? 0 : 255;
    const mask = await sharp(rgba, { raw: { width: 256, height: 256, channels: 4 } }).png().toBuffer();
    const res = (await client.images.edit({ model: 'aura', image: await toFile(source, 'noise.png', { type: 'image/png' }), mask: await toFile(mask, 'mask.png', { type: 'image/png' }), prompt: 'blue sea', size: '256x256', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    const half = async (png: Buffer, left: number) => sharp(png).removeAlpha().extract({ left, top: 0, width: 128, height: 256 }).raw().toBuffer();
    const edited = Buffer.from(res.data![0].b64_json!, 'base64');
    expect((await half(edited, 128)).equals(await half(source, 128))).toBe(true);
    expect((await half(edited, 0)).equals(await half(source, 0))).toBe(false);
  });

  it('needs images:edit to edit', async () => {
    const genOnly = await createKey(t, user.accessToken, user.orgId, { name: 'gen', scopes: ['images:generate'] });
    const limited = new OpenAI({ apiKey: genOnly.secret, baseURL: client.baseURL, maxRetries: 0 });
    await expect(limited.images.edit({ model: 'aura', image: await upload(), prompt: 'x' })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('refuses a bad key the way the SDK expects', async () => {
    const bad = new OpenAI({ apiKey: 'sk-not-ours', baseURL: client.baseURL, maxRetries: 0 });
    await expect(bad.images.generate({ model: 'aura', prompt: 'x' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe('OpenAI-compatible images API when the job outlives the wait', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ OPENAI_WAIT_SECONDS: '1' }, { plansYaml: plansWithMoreWork() });
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(() => t.close());

  it('answers 502 with the job id and x-should-retry: false, so the SDK does not retry and pay again', async () => {
    const { port } = t.app.getHttpServer().address() as { port: number };
    const user = await signUp(t);
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'sdk', scopes: ['images:generate', 'jobs:read', 'jobs:cancel', 'credits:read'] });
    let calls = 0;
    // The SDK's default: up to 2 retries of a 5xx.
    const client = new OpenAI({
      apiKey: key.secret,
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 2,
      fetch: (url, init) => {
        calls++;
        return fetch(url, init);
      },
    });
    const err = await client.images.generate({ model: 'aura', prompt: 'a slow storm', size: '1024x1024', n: 4, style: 'natural' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const { status, headers, error } = err as InstanceType<typeof OpenAI.InternalServerError>;
    expect({ status, shouldRetry: headers.get('x-should-retry') }).toEqual({ status: 502, shouldRetry: 'false' });
    expect(error).toMatchObject({ code: 'provider_unavailable', jobId: expect.any(String) });
    expect(calls).toBe(1);
    const jobs = await t.http().get('/api/v1/jobs').set(bearer(key.secret)).expect(200);
    expect(jobs.body.data.map((j: { id: string }) => j.id)).toEqual([(error as { jobId: string }).jobId]);
    const ledger = await t.http().get('/api/v1/credits/ledger').set(bearer(key.secret)).expect(200);
    expect(ledger.body.data.filter((e: { kind: string }) => e.kind === 'reservation').map((e: { amount: number }) => e.amount)).toEqual([-4]);
    await t.http().post(`/api/v1/jobs/${(error as { jobId: string }).jobId}/cancel`).set(bearer(key.secret)).expect(200);
  }, 60_000);

  it('binds an Idempotency-Key to the job it started, so a retry with it replays the 502 instead of paying again', async () => {
    const { port } = t.app.getHttpServer().address() as { port: number };
    const user = await signUp(t);
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'sdk', scopes: ['images:generate', 'jobs:read', 'jobs:cancel'] });
    const client = new OpenAI({ apiKey: key.secret, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const call = () =>
      client.images.generate({ model: 'aura', prompt: 'a slow storm', size: '1024x1024', n: 4 }, { headers: { 'Idempotency-Key': 'slow-1' } }).then(
        () => expect.fail('the job cannot finish within the 1 s wait'),
        (e: unknown) => e as InstanceType<typeof OpenAI.InternalServerError>,
      );
    const first = await call();
    const again = await call();
    expect(again).toBeInstanceOf(OpenAI.InternalServerError);
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), shouldRetry: again.headers.get('x-should-retry'), error: again.error }).toEqual({
      status: 502,
      replayed: 'true',
      shouldRetry: 'false',
      error: first.error,
    });
    const jobs = await t.http().get('/api/v1/jobs').set(bearer(key.secret)).expect(200);
    expect(jobs.body.data.map((j: { id: string }) => j.id)).toEqual([(first.error as { jobId: string }).jobId]);
    await t.http().post(`/api/v1/jobs/${jobs.body.data[0].id}/cancel`).set(bearer(key.secret)).expect(200);
  }, 60_000);
});
