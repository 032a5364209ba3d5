import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../config/app-config';
import { OutboundHttp } from './outbound-http';
import { UrlGuard, UrlNotAllowed } from './url-guard';

const guardFor = (allowPrivateUrls: boolean) => new UrlGuard({ allowPrivateUrls } as AppConfig);

/** A guard whose early check passes the hosts given: as if DNS had answered with a public address then. */
class TrustingGuard extends UrlGuard {
  constructor(private readonly trusted: string[]) {
    super({ allowPrivateUrls: false } as AppConfig);
  }

  override async check(raw: string): Promise<URL> {
    const url = new URL(raw);
    return this.trusted.includes(url.host) ? url : super.check(raw);
  }
}

describe('UrlGuard', () => {
  const guard = guardFor(false);

  it.each([
    ['http://127.0.0.1/hook', 'private_address'],
    ['http://[::1]:8080/', 'private_address'],
    ['http://[::ffff:7f00:1]/', 'private_address'],
    ['http://[::127.0.0.1]/', 'private_address'],
    ['http://[::7f00:1]:8080/', 'private_address'],
    ['http://169.254.169.254/latest/meta-data', 'private_address'],
    ['http://localhost:3000/', 'private_address'],
    ['http://2130706433/', 'private_address'],
    ['ftp://example.com/file', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['http://user:pw@example.com/', 'malformed'],
    ['not a url', 'malformed'],
  ])('refuses %s (%s)', async (url, reason) => {
    await expect(guard.check(url)).rejects.toMatchObject({ reason });
  });

  it('answers 400 url_not_allowed naming the field', async () => {
    await expect(guard.assertAllowed('http://10.1.2.3/', 'webhookUrl')).rejects.toMatchObject({ code: 'url_not_allowed', status: 400, details: { field: 'webhookUrl', reason: 'private_address' } });
  });

  it('lets private addresses through when ALLOW_PRIVATE_URLS is on', async () => {
    await expect(guardFor(true).check('http://127.0.0.1:9/')).resolves.toBeInstanceOf(URL);
  });
});

describe('OutboundHttp', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://[::ffff:127.0.0.1]:${port}/ok` }).end();
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end('late'), 5000);
      } else {
        res.writeHead(200).end('ok');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('refuses at connect time a host that resolves to loopback (DNS rebinding after the early check)', async () => {
    const http = new OutboundHttp(new TrustingGuard([`localhost:${port}`]));
    await expect(http.send(`http://localhost:${port}/`, { method: 'GET', timeoutMs: 2000, followRedirects: false })).rejects.toBeInstanceOf(UrlNotAllowed);
    await http.onModuleDestroy();
  });

  it('checks every redirect target again', async () => {
    const http = new OutboundHttp(new TrustingGuard([`127.0.0.1:${port}`]));
    await expect(http.send(`http://127.0.0.1:${port}/redirect`, { method: 'GET', timeoutMs: 2000, followRedirects: true })).rejects.toMatchObject({ reason: 'private_address' });
    const unfollowed = await http.send(`http://127.0.0.1:${port}/redirect`, { method: 'GET', timeoutMs: 2000, followRedirects: false });
    expect(unfollowed.status).toBe(302);
    await http.onModuleDestroy();
  });

  it('reaches a private address the caller trusts (a provider baseUrl the operator set), and checks the hops it does not trust', async () => {
    const http = new OutboundHttp(guardFor(false));
    const trusted = (url: URL) => url.host === `127.0.0.1:${port}`;
    const response = await http.send(`http://127.0.0.1:${port}/ok`, { method: 'POST', body: 'x', timeoutMs: 2000, followRedirects: false, trusted });
    expect(await response.text()).toBe('ok');
    await expect(http.send(`http://127.0.0.1:${port}/redirect`, { method: 'GET', timeoutMs: 2000, followRedirects: true, trusted })).rejects.toMatchObject({ reason: 'private_address' });
    await http.onModuleDestroy();
  });

  it('gives up when the signal aborts, before the timeout', async () => {
    const http = new OutboundHttp(guardFor(true));
    const controller = new AbortController();
    const sending = http.send(`http://127.0.0.1:${port}/slow`, { method: 'GET', timeoutMs: 10_000, followRedirects: false, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(sending).rejects.toThrow('job cancelled');
    await http.onModuleDestroy();
  });

  it('reaches local servers when ALLOW_PRIVATE_URLS is on', async () => {
    const http = new OutboundHttp(guardFor(true));
    const response = await http.send(`http://localhost:${port}/redirect`, { method: 'GET', timeoutMs: 2000, followRedirects: true });
    expect(await response.text()).toBe('ok');
    await http.onModuleDestroy();
  });
});
