import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { FileStore } from './file-store';
import { LocalDiskStorage } from './local-disk.storage';

const config = { encryptionKey: 'a'.repeat(64), files: { linkTtlSeconds: 60 }, publicUrl: 'http://127.0.0.1:3000' } as AppConfig;

async function* chunksOf(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('FileStore streams, on local disk', () => {
  let dir: string;
  let store: FileStore;
  const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-files-'));
    store = new FileStore(new LocalDiskStorage(dir), config);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a stream encrypted and reads it back whole or as a stream', async () => {
    expect(await store.putStream('videos/a', chunksOf(data, 7_001))).toBe(data.length);
    const sealed = await readFile(join(dir, 'files', 'videos/a'));
    expect(sealed.subarray(0, 4).toString()).toBe('DRK2');
    expect(sealed.includes(data.subarray(0, 64))).toBe(false);
    expect((await store.get('videos/a'))?.equals(data)).toBe(true);
    expect((await readAll((await store.getStream('videos/a'))!)).equals(data)).toBe(true);
  });

  it('streams files written whole too, and answers null for a missing one', async () => {
    await store.put('images/b', data);
    expect((await readAll((await store.getStream('images/b'))!)).equals(data)).toBe(true);
    expect(await store.getStream('images/missing')).toBeNull();
  });

  it('fails the stream of a file altered in storage', async () => {
    await store.putStream('videos/c', chunksOf(data, 50_000));
    const path = join(dir, 'files', 'videos/c');
    const sealed = await readFile(path);
    sealed[100] ^= 1;
    await writeFile(path, sealed);
    await expect(readAll((await store.getStream('videos/c'))!)).rejects.toThrow(/authenticate/);
  });

  it('leaves nothing behind when the stream it writes fails', async () => {
    async function* failing() {
      yield Buffer.from('part');
      throw new Error('the provider hung up');
    }
    await expect(store.putStream('videos/d', failing())).rejects.toThrow('the provider hung up');
    expect(await readdir(join(dir, 'files', 'videos'))).toEqual([]);
  });

  it('signs links under another route the same way', () => {
    const link = store.linkUnder('/api/v1/videos/files', 'v1', 60, 'webp');
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/api\/v1\/videos\/files\/[\w-]+\.[\w-]+\.webp$/);
    expect(store.verifyLink(link.url.split('/').pop()!)).toMatchObject({ fileId: 'v1' });
  });
});
