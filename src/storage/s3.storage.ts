import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { AppConfig } from '../config/app-config';
import type { StorageDriver } from './storage-driver';

/** S3's smallest part but the last: a streamed file is uploaded in parts of this size. */
const PART_BYTES = 8 * 1024 * 1024;

/** Any S3-compatible object store (AWS S3, MinIO, R2, ...). Bytes arrive already encrypted. */
export class S3Storage implements StorageDriver {
  private readonly client: S3Client;

  constructor(private readonly options: AppConfig['storage']['s3']) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint || undefined,
      forcePathStyle: options.forcePathStyle,
      credentials: options.accessKeyId ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } : undefined,
      // Checksums only where S3 requires them: not every S3-compatible store supports the newer ones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, data: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: this.key(key), Body: data, ContentType: 'application/octet-stream' }));
  }

  /** A multipart upload (PutObject needs the length up front), one part in memory at a time; aborted if anything fails, so no part is kept. */
  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const target = { Bucket: this.options.bucket, Key: this.key(key) };
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ ...target, ContentType: 'application/octet-stream' }));
    const parts: { ETag?: string; PartNumber: number }[] = [];
    const upload = async (body: Buffer) => {
      const PartNumber = parts.length + 1;
      const { ETag } = await this.client.send(new UploadPartCommand({ ...target, UploadId, PartNumber, Body: body }));
      parts.push({ ETag, PartNumber });
    };
    try {
      let pending: Buffer[] = [];
      let size = 0;
      for await (const chunk of chunks) {
        pending.push(Buffer.from(chunk));
        size += chunk.length;
        if (size < PART_BYTES) continue;
        await upload(Buffer.concat(pending));
        pending = [];
        size = 0;
      }
      if (size > 0 || parts.length === 0) await upload(Buffer.concat(pending));
      await this.client.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    const body = await this.body(key);
    return body ? Buffer.from(await body.transformToByteArray()) : null;
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    // On Node the SDK's body is a Readable.
    return (await this.body(key)) as unknown as Readable | null;
  }

  private async body(key: string) {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }));
      return res.Body!;
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }));
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  private key(key: string): string {
    return `${this.options.prefix}${key}`;
  }
}
