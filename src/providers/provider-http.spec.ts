import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { OutboundHttp } from '../common/net/outbound-http';
import { UrlGuard } from '../common/net/url-guard';
import { providerHttp } from './provider-http';

describe("a plugin's fetch through the core's outbound client", () => {
  let server: Server;
  let base: string;
  const http = new OutboundHttp(new UrlGuard({ allowPrivateUrls: true } as AppConfig));

  beforeAll(async () => {
    // Echoes what it received: the content type, and the form fields as the Fetch API reads them.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
        const type = String(req.headers['content-type'] ?? '');
        const form = /multipart|urlencoded/.test(type) ? await new Request('http://x', { method: 'POST', headers: { 'content-type': type }, body: Buffer.concat(chunks) }).formData() : null;
        const fields = form ? await Promise.all([...form.entries()].map(async ([k, v]) => [k, typeof v === 'string' ? v : `${v.type}:${(await v.arrayBuffer()).byteLength}`])) : [];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ type, fields }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await http.onModuleDestroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a FormData body as multipart with its boundary, as fetch does (a staged upload)', async () => {
    const form = new FormData();
    form.append('key', 'uploads/a.jpg');
    form.append('file', new Blob([Buffer.alloc(1234)], { type: 'image/jpeg' }), 'a.jpg');
    const res = await providerHttp(http, null, AbortSignal.timeout(5000)).fetch(`${base}/upload`, { method: 'POST', body: form });
    const echoed = (await res.json()) as { type: string; fields: string[][] };
    expect(echoed.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(echoed.fields).toEqual([['key', 'uploads/a.jpg'], ['file', 'image/jpeg:1234']]);
  });

  it('sends URLSearchParams as a form, and keeps a content type the plugin set', async () => {
    const fetch = providerHttp(http, null, AbortSignal.timeout(5000)).fetch;
    const form = await (await fetch(`${base}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token' }) })).json();
    expect(form).toEqual({ type: 'application/x-www-form-urlencoded;charset=UTF-8', fields: [['grant_type', 'refresh_token']] });
    const json = await (await fetch(`${base}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).json();
    expect(json).toEqual({ type: 'application/json', fields: [] });
  });
});
