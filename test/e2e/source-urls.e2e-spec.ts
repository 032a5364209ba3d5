import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp } from '../support/accounts';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SCOPES = ['images:edit', 'images:read', 'jobs:read', 'jobs:cancel'];

describe('edit sources given by URL', () => {
  let server: Server;
  let base: string;
  let open: TestApp;
  let guarded: TestApp;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366aa' } }).png().toBuffer();
    server = createServer((req, res) => {
      if (req.url === '/photo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      if (req.url === '/moved') return res.writeHead(302, { location: '/photo.png' }).end();
      if (req.url === '/huge') return res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(25 * 1024 * 1024) }).end();
      if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(1024 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 30 && res.write(chunk)) sent++;
          if (sent < 30) res.once('drain', pump);
          else res.end();
        };
        res.on('error', () => undefined);
        return pump();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Only ALLOW_PRIVATE_URLS lets the app reach a server on loopback; the other app shows the default.
    open = await startTestApp({ ALLOW_PRIVATE_URLS: 'true', JOB_CONCURRENCY: '1' }, { plansYaml: plansWithMoreWork() });
    guarded = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    for (const [name, t] of Object.entries({ open, guarded })) {
      const user = await signUp(t);
      keys[name] = (await createKey(t, user.accessToken, user.orgId, { name: 'src', scopes: SCOPES })).secret;
    }
  });
  afterAll(async () => {
    await Promise.all([open.close(), guarded.close()]);
    await new Promise((resolve) => server.close(resolve));
  });

  const edit = (t: TestApp, key: string, url: string) =>
    t.http().post('/api/v1/images/edits').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'warmer', size: '256x256', images: [{ url }] });

  it('downloads the source, following a redirect, and edits it', async () => {
    for (const path of ['/photo.png', '/moved']) {
      const res = await edit(open, keys.open, `${base}${path}`).expect(200);
      expect(res.body).toMatchObject({ status: 'completed', outputs: [{ width: 256, height: 256 }] });
    }
  });

  it('answers 422 for a source that cannot be downloaded and 413 for one that is too large', async () => {
    const missing = await edit(open, keys.open, `${base}/nothing-here`).expect(422);
    expect(missing.body.error).toMatchObject({ code: 'unprocessable_image', field: 'images[0].url' });
    expect(missing.body.error.message).toMatch(/answered 404/);
    for (const path of ['/huge', '/endless']) {
      const res = await edit(open, keys.open, `${base}${path}`).expect(413);
      expect(res.body.error).toMatchObject({ code: 'payload_too_large', field: 'images[0].url' });
    }
  });

  it('removes the stored source of an edit that was cancelled', async () => {
    // One job at a time: the edit waits behind this one, so it is cancelled before it runs.
    await open.http().post('/api/v1/images/edits').set(bearer(keys.open)).send({ prompt: 'slow', size: '1024x1024', n: 4, images: [{ url: `${base}/photo.png` }] }).expect(202);
    const queued = await open.http().post('/api/v1/images/edits').set(bearer(keys.open)).send({ prompt: 'never', size: '256x256', images: [{ url: `${base}/photo.png` }] }).expect(202);
    const job = await open.app.get(JobsRepository).getById(queued.body.id);
    const stored = `${open.config.dataDir}/files/${(job!.input as { sources: { storageKey: string }[] }).sources[0].storageKey}`;
    expect(existsSync(stored)).toBe(true);
    await open.http().post(`/api/v1/jobs/${queued.body.id}/cancel`).set(bearer(keys.open)).expect(200);
    for (let i = 0; i < 100 && existsSync(stored); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(stored)).toBe(false);
  });

  it('refuses private addresses with 400 url_not_allowed by default', async () => {
    for (const url of [`${base}/photo.png`, 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:7f00:1]/photo.png', 'file:///etc/passwd']) {
      const res = await edit(guarded, keys.guarded, url).expect(400);
      expect(res.body.error).toMatchObject({ code: 'url_not_allowed', field: 'images[0].url' });
    }
    expect((await guarded.http().get('/api/v1/jobs').set(bearer(keys.guarded)).expect(200)).body.data).toEqual([]);
  });
});
