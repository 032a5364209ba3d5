import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Enough of the S3 REST API (path-style PutObject, GetObject, DeleteObject, and the multipart upload's
 * Create, UploadPart, Complete and Abort) for the S3 storage driver,
 * following the S3 API reference: requests must be SigV4-signed with the expected access key, a
 * missing key answers 404 NoSuchKey in S3's XML error shape. Objects live in memory.
 */
export interface FakeS3 {
  endpoint: string;
  objects: Map<string, Buffer>;
  /** Multipart uploads begun and neither completed nor aborted. */
  uploads: Map<string, Buffer[]>;
  close(): Promise<void>;
}

const xmlError = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startFakeS3(bucket: string, accessKeyId: string): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, Buffer[]>();
  let nextUpload = 0;
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
      const uploadId = url.searchParams.get('uploadId');
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        const id = `upload-${++nextUpload}`;
        uploads.set(id, []);
        res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      } else if (uploadId && !uploads.has(uploadId)) {
        res.writeHead(404, { 'content-type': 'application/xml' }).end(xmlError('NoSuchUpload', 'The specified upload does not exist.'));
      } else if (req.method === 'PUT' && uploadId) {
        const body = Buffer.concat(chunks);
        uploads.get(uploadId)![Number(url.searchParams.get('partNumber')) - 1] = body;
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
      } else if (req.method === 'POST' && uploadId) {
        objects.set(key, Buffer.concat(uploads.get(uploadId)!));
        uploads.delete(uploadId);
        res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Key>${key}</Key><ETag>"done"</ETag></CompleteMultipartUploadResult>`);
      } else if (req.method === 'DELETE' && uploadId) {
        uploads.delete(uploadId);
        res.writeHead(204).end();
      } else if (req.method === 'PUT') {
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
    uploads,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
