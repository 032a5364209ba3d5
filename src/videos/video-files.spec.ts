import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { OutboundHttp } from '../common/net/outbound-http';
import { UrlGuard } from '../common/net/url-guard';
import { ProviderError } from '../plugins/provider-error';
import { FileStore } from '../storage/file-store';
import { LocalDiskStorage } from '../storage/local-disk.storage';
import { VideoFiles } from './video-files';

const MP4 = Buffer.from('....ftypisom fake movie bytes');

describe('VideoFiles', () => {
  let dir: string;
  let server: Server;
  let origin: string;
  let files: FileStore;
  let http: OutboundHttp;
  let videoFiles: VideoFiles;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-videos-'));
    files = new FileStore(new LocalDiskStorage(dir), { encryptionKey: 'b'.repeat(64), files: { linkTtlSeconds: 60 }, publicUrl: 'http://127.0.0.1' } as AppConfig);
    server = createServer((req, res) => {
      if (req.url === '/movie.mp4') res.writeHead(200, { 'content-type': 'video/mp4' }).end(MP4);
      else if (req.url === '/page') res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    http = new OutboundHttp(new UrlGuard({ allowPrivateUrls: false } as AppConfig));
    videoFiles = new VideoFiles(http, files);
  });
  afterAll(async () => {
    await http.onModuleDestroy();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const signal = () => new AbortController().signal;
  const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ProviderError);

  it("downloads a video at the provider's own origin, which the address policy would refuse elsewhere, into the store", async () => {
    const stored = await videoFiles.store('videos/o/a', { url: `${origin}/movie.mp4`, durationSeconds: 5 }, origin, signal());
    expect(stored).toEqual({ bytes: MP4.length, mimeType: 'video/mp4', durationSeconds: 5 });
    expect((await files.get('videos/o/a'))?.equals(MP4)).toBe(true);
  });

  it('refuses a private address that is not the provider origin, a missing file and something that is no video, storing nothing', async () => {
    expect(await failure(videoFiles.store('videos/o/b', { url: `${origin}/movie.mp4` }, null, signal()))).toMatchObject({ kind: 'unavailable' });
    expect(await failure(videoFiles.store('videos/o/c', { url: `${origin}/gone.mp4` }, origin, signal()))).toMatchObject({ kind: 'transient', message: expect.stringMatching(/404/) });
    expect(await failure(videoFiles.store('videos/o/d', { url: `${origin}/page` }, origin, signal()))).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/text\/html where a video was asked/) });
    expect((await readdir(join(dir, 'files', 'videos', 'o'))).sort()).toEqual(['a']);
  });

  it('streams a file a plugin hands over, and refuses one that is no video', async () => {
    async function* chunks() {
      yield Buffer.from('RIFF');
      yield Buffer.from('....WEBP');
    }
    expect(await videoFiles.store('videos/o/e', { stream: chunks(), mimeType: 'image/webp', durationSeconds: 2, width: 512, height: 512 }, null, signal()))
      .toEqual({ bytes: 12, mimeType: 'image/webp', durationSeconds: 2, width: 512, height: 512 });
    expect(await failure(videoFiles.store('videos/o/f', { stream: chunks(), mimeType: 'application/pdf', durationSeconds: 2, width: 1, height: 1 }, null, signal())))
      .toMatchObject({ kind: 'unavailable' });
  });
});
