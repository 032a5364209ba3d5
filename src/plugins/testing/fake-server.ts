import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

export interface FakeRequest {
  method: string;
  /** The path and query, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a Readable is sent as it yields (server-sent events, with pauses between them). */
  body?: string | Buffer | Readable | object;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeServer {
  /** http://127.0.0.1:<port>, without a trailing slash: what a plugin takes as its `baseUrl` option. */
  url: string;
  /** Every request received, oldest first: tests assert on them ("no retry happened"). */
  requests: FakeRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 answering with `handler`: what a provider plugin's fake.ts builds its
 * imitation of the remote API on (vercel/ai's test server, the S3 fake in test/fakes). A handler
 * that throws answers 500.
 */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: FakeRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(request);
      Promise.resolve()
        .then(() => handler(request))
        .then(
          ({ status = 200, headers = {}, body = '' }) => {
            if (body instanceof Readable) {
              body.pipe(res.writeHead(status, headers));
              return;
            }
            const json = typeof body === 'object' && !Buffer.isBuffer(body);
            res.writeHead(status, { ...(json ? { 'content-type': 'application/json' } : {}), ...headers }).end(json ? JSON.stringify(body) : body);
          },
          (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
