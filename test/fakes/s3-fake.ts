import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Enough of the S3 REST API (path-style PutObject, GetObject, DeleteObject) for the S3 storage driver,
 * following the S3 API reference: requests must be SigV4-signed with the expected access key, a
 * missing key answers 404 NoSuchKey in S3's XML error shape. Objects live in memory.
 */
export interface FakeS3 {
  endpoint: string;
  objects: Map<string, Buffer>;
  close(): Promise<void>;
}

const xmlError = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startFakeS3(bucket: string, accessKeyId: string): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) {
        res.writeHead(403, { 'content-type': 'application/xml' }).end(xmlError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'));
        return;
      }
      const url = new URL(req.url ?? '/', 'http://s3.local');
      const [, b, ...rest] = decodeURIComponent(url.pathname).split('/');
      const key = rest.join('/');
      if (b !== bucket || !key) {
        res.writeHead(404, { 'content-type': 'application/xml' }).end(xmlError('NoSuchBucket', 'The specified bucket does not exist'));
        return;
      }
      if (req.method === 'PUT') {
        const body = Buffer.concat(chunks);
        objects.set(key, body);
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
      } else if (req.method === 'GET') {
        const body = objects.get(key);
        if (!body) res.writeHead(404, { 'content-type': 'application/xml' }).end(xmlError('NoSuchKey', 'The specified key does not exist.'));
        else res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
      } else if (req.method === 'DELETE') {
        objects.delete(key);
        res.writeHead(204).end();
      } else {
        res.writeHead(405, { 'content-type': 'application/xml' }).end(xmlError('MethodNotAllowed', 'The specified method is not allowed'));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
