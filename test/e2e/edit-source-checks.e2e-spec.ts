import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

/** A form's file may be as large as the largest plan's studio source (25 MB by default); an edit's service then holds it to 20 MB. */
const MAX_FILE_BYTES = 25 * 1024 * 1024;
const picture = () => sharp({ create: { width: 128, height: 128, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });

describe('edit sources are decoded in full before anything is queued or charged', () => {
  let t: TestApp;
  let key: string;
  let server: Server;
  let base: string;
  const files: Record<string, Buffer> = {};

  beforeAll(async () => {
    const png = await picture().png().toBuffer();
    Object.assign(files, {
      png,
      gif: await picture().gif().toBuffer(),
      tiff: await picture().tiff().toBuffer(),
      svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>'),
      truncated: png.subarray(0, Math.floor(png.length / 2)),
    });
    server = createServer((req, res) => {
      const file = files[(req.url ?? '').slice(1)];
      if (file) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The image server is on loopback, which only ALLOW_PRIVATE_URLS lets the app reach.
    t = await startTestApp({ ALLOW_PRIVATE_URLS: 'true' }, { plansYaml: plansWithMoreWork() });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'e', scopes: ['images:edit', 'jobs:read', 'credits:read'] })).secret;
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const edit = () => t.http().post('/api/v1/images/edits').set(bearer(key));
  const state = async () => ({
    credits: (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance,
    jobs: (await t.http().get('/api/v1/jobs').set(bearer(key)).expect(200)).body.data.length,
  });

  const refusals: [string, RegExp][] = [
    ['gif', /^images\[0\] is a GIF image; send PNG, JPEG, WebP or AVIF$/],
    ['tiff', /^images\[0\] is a TIFF image/],
    ['svg', /^images\[0\] is a SVG image/],
    ['truncated', /^images\[0\] could not be decoded: the PNG file is cut short or corrupt$/],
  ];

  it.each(refusals)('refuses a %s source sent as base64, as a form file and by URL with 422', async (name, message) => {
    const before = await state();
    const answers = [
      await edit().send({ prompt: 'x', size: '256x256', images: [{ data: files[name].toString('base64') }] }),
      await edit().field('prompt', 'x').field('size', '256x256').attach('images', files[name], `${name}.img`),
      await edit().send({ prompt: 'x', size: '256x256', images: [{ url: `${base}/${name}` }] }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'unprocessable_image', index: 0, message: expect.stringMatching(message) });
    }
    expect(await state()).toEqual(before);
  });

  it('takes a whole PNG in every form', async () => {
    await edit().send({ prompt: 'x', size: '256x256', images: [{ data: files.png.toString('base64') }] }).expect(202);
    await edit().field('prompt', 'x').field('size', '256x256').attach('images', files.png, 'a.png').expect(202);
    await edit().send({ prompt: 'x', size: '256x256', images: [{ url: `${base}/png` }] }).expect(202);
  });

  it('names the second source when only it is bad', async () => {
    const res = await edit().send({ prompt: 'x', size: '256x256', images: [{ data: files.png.toString('base64') }, { data: files.gif.toString('base64') }] }).expect(422);
    expect(res.body.error).toMatchObject({ code: 'unprocessable_image', index: 1 });
  });
});

describe('multipart edit forms past their limits', () => {
  let t: TestApp;
  let key: string;
  let png: Buffer;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'm', scopes: ['images:edit'] })).secret;
    png = await picture().png().toBuffer();
  });
  afterAll(() => t.close());

  const form = () => t.http().post('/api/v1/images/edits').set(bearer(key)).field('prompt', 'x').field('size', '256x256');

  /**
   * Sends a form whose last file is 26.25 MB, pausing once its first 25 MB are out, so that the limit
   * falls on the end of a chunk (as it did for curl's uploads), then answers what the app answered.
   */
  async function uploadCutAtTheLimit(leading: Buffer[]): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
    const boundary = 'form-boundary-0123456789';
    const head = (name: string, filename?: string) =>
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`);
    const files = leading.flatMap((data, i) => [head('images', `lead${i}.png`), data, Buffer.from('\r\n')]);
    const toLimit = Buffer.concat([head('prompt'), Buffer.from('x\r\n'), ...files, head('images', 'big.png'), Buffer.alloc(MAX_FILE_BYTES, 1)]);
    const rest = Buffer.concat([Buffer.alloc(MAX_FILE_BYTES / 20, 1), Buffer.from(`\r\n--${boundary}--\r\n`)]);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/v1/images/edits', method: 'POST', headers: { ...bearer(key), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': toLimit.length + rest.length } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.write(toLimit);
      setTimeout(() => req.end(rest), 300);
    });
  }

  it('answers 413 for a file over the form limit whose first 25 MB end a chunk, alone or after another file', async () => {
    const alone = await uploadCutAtTheLimit([]);
    expect(alone).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large', index: 0, message: 'File 0 (big.png) is over 25 MB, the most a source image may be' } } });
    const second = await uploadCutAtTheLimit([png]);
    expect(second).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large', index: 1, message: 'File 1 (big.png) is over 25 MB, the most a source image may be' } } });
  });

  it('answers 413 for 33 fields and a file, and for 33 fields alone', async () => {
    let withFile = form();
    let alone = form();
    for (let i = 0; i < 31; i++) {
      withFile = withFile.field(`extra${i}`, 'x');
      alone = alone.field(`extra${i}`, 'x');
    }
    const answers = [await withFile.attach('images', png, 'a.png'), await alone];
    for (const res of answers) {
      expect(res.status).toBe(413);
      expect(res.body.error).toEqual({ code: 'payload_too_large', message: 'A form may have at most 32 fields and 17 files', requestId: expect.any(String) });
    }
  });

  it('refuses metadata with a __proto__ or constructor.prototype key as the JSON route does', async () => {
    for (const metadata of ['{"__proto__":{"sku":"x"}}', '{"constructor":{"prototype":{"sku":"x"}}}']) {
      const viaForm = await form().field('metadata', metadata).attach('images', png, 'a.png').expect(400);
      const viaJson = await t.http().post('/api/v1/images/edits').set(bearer(key)).set('content-type', 'application/json')
        .send(`{"prompt":"x","size":"256x256","metadata":${metadata},"images":[{"data":"${png.toString('base64')}"}]}`).expect(400);
      expect(viaForm.body.error).toMatchObject({ code: 'invalid_json', field: expect.stringMatching(/^metadata\./) });
      expect({ ...viaForm.body.error, requestId: '' }).toEqual({ ...viaJson.body.error, requestId: '' });
    }
  });

  it('refuses a NUL character in a form field as in JSON', async () => {
    const res = await t.http().post('/api/v1/images/edits').set(bearer(key)).field('prompt', 'a\u0000b').attach('images', png, 'a.png').expect(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'prompt' }] });
  });
});
