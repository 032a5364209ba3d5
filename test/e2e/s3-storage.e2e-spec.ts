import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../src/storage/s3.storage';
import { bearer, createKey, signUp } from '../support/accounts';
import { startFakeS3, type FakeS3 } from '../fakes/s3-fake';
import { startTestApp, type TestApp } from '../support/test-app';

const s3Options = (endpoint: string) => ({ bucket: 'darkroom', region: 'us-east-1', endpoint, accessKeyId: 'AKIATEST', secretAccessKey: 'secret', forcePathStyle: true, prefix: 'prod/' });

describe('S3 storage driver, against a fake S3 on 127.0.0.1', () => {
  let s3: FakeS3;
  beforeAll(async () => (s3 = await startFakeS3('darkroom', 'AKIATEST')));
  afterAll(() => s3.close());

  it('puts, gets and deletes objects under the prefix; a missing key is null', async () => {
    const storage = new S3Storage(s3Options(s3.endpoint));
    await storage.put('images/a', Buffer.from('hello'));
    expect(s3.objects.get('prod/images/a')?.toString()).toBe('hello');
    expect((await storage.get('images/a'))?.toString()).toBe('hello');
    expect(await storage.get('images/missing')).toBeNull();
    await storage.delete('images/a');
    expect(s3.objects.has('prod/images/a')).toBe(false);
    storage.onModuleDestroy();
  });

  it('uploads a stream in parts, reads it back as a stream, and aborts the upload of a stream that fails', async () => {
    const storage = new S3Storage(s3Options(s3.endpoint));
    const data = Buffer.alloc(9 * 1024 * 1024, 7);
    async function* chunks() {
      for (let i = 0; i < data.length; i += 1024 * 1024) yield data.subarray(i, i + 1024 * 1024);
    }
    await storage.putStream('videos/a', chunks());
    expect(s3.objects.get('prod/videos/a')?.equals(data)).toBe(true);
    const read: Uint8Array[] = [];
    for await (const chunk of (await storage.getStream('videos/a'))!) read.push(chunk);
    expect(Buffer.concat(read).equals(data)).toBe(true);
    expect(await storage.getStream('videos/missing')).toBeNull();
    async function* failing() {
      yield Buffer.from('part');
      throw new Error('the provider hung up');
    }
    await expect(storage.putStream('videos/b', failing())).rejects.toThrow('the provider hung up');
    expect(s3.objects.has('prod/videos/b')).toBe(false);
    expect(s3.uploads.size).toBe(0);
    storage.onModuleDestroy();
  });

  it('surfaces a refused credential instead of hiding it', async () => {
    const storage = new S3Storage({ ...s3Options(s3.endpoint), accessKeyId: 'WRONG' });
    await expect(storage.put('x', Buffer.from('x'))).rejects.toThrow();
    storage.onModuleDestroy();
  });

  it('serves generated images from S3, encrypted there, with nothing on local disk', async () => {
    const t: TestApp = await startTestApp({
      STORAGE_DRIVER: 's3', S3_BUCKET: 'darkroom', S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: 'AKIATEST', S3_SECRET_ACCESS_KEY: 'secret', S3_FORCE_PATH_STYLE: 'true',
    });
    try {
      const user = await signUp(t);
      const key = (await createKey(t, user.accessToken, user.orgId, { name: 's3', scopes: ['images:generate', 'jobs:read'] })).secret;
      const job = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'cloud', size: '256x256' }).expect(200);
      const stored = [...s3.objects.entries()].find(([k]) => k.startsWith(`images/${user.orgId}/`));
      expect(stored?.[1].subarray(0, 4).toString()).toBe('DRK1');
      expect(existsSync(`${t.config.dataDir}/files`)).toBe(false);
      const file = await t.http().get(new URL(job.body.outputs[0].url).pathname).expect(200);
      expect(file.headers['content-type']).toBe('image/png');
    } finally {
      await t.close();
    }
  });

  it('refuses to start with STORAGE_DRIVER=s3 and no bucket', async () => {
    await expect(startTestApp({ STORAGE_DRIVER: 's3' })).rejects.toThrow(/S3_BUCKET/);
  });
});
