import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

describe('OpenAI-compatible images API, driven by the official openai SDK', () => {
  let t: TestApp;
  let client: OpenAI;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    const user = await signUp(t);
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'sdk', scopes: ['images:generate'] });
    client = new OpenAI({ apiKey: key.secret, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });
  afterAll(() => t.close());

  it('generates with b64_json', async () => {
    const res = (await client.images.generate({ model: 'aura', prompt: 'a red fox in autumn', size: '256x256', n: 2, response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(res.data).toHaveLength(2);
    const meta = await sharp(Buffer.from(res.data![0].b64_json!, 'base64')).metadata();
    expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width: 256, height: 256, format: 'png' });
    expect(res.created).toBeGreaterThan(0);
  });

  it('generates with a url the caller can download, in the asked format', async () => {
    const res = (await client.images.generate({ model: 'aura', prompt: 'blue calm', size: '512x512', output_format: 'webp' })) as OpenAI.ImagesResponse;
    const url = res.data![0].url!;
    const download = await fetch(url.replace('http://localhost:3000', (client.baseURL as string).replace('/v1', '')));
    expect(download.headers.get('content-type')).toBe('image/webp');
  });

  it('answers an unknown model with 400 invalid_model listing the available ones', async () => {
    const err = await client.images.generate({ model: 'dall-e-3', prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'invalid_model', available: ['aura'] });
  });

  it('refuses a bad key the way the SDK expects', async () => {
    const bad = new OpenAI({ apiKey: 'sk-not-ours', baseURL: client.baseURL, maxRetries: 0 });
    await expect(bad.images.generate({ model: 'aura', prompt: 'x' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
