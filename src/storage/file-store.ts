import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual, type DecipherGCM } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { decodeEncryptionKey } from '../common/crypto/secret-box';
import { STORAGE_DRIVER, type StorageDriver } from './storage-driver';

const MAGIC = Buffer.from('DRK1');
/** Streamed files: the tag is known only at the end, so it goes there (`DRK2`, IV, ciphertext, tag). */
const STREAMED = Buffer.from('DRK2');
const TAG_BYTES = 16;

export interface FileLink {
  token: string;
  url: string;
  expiresAt: Date;
}

/** The file type a link may end with (link()'s `extension`), which verifying ignores. */
const FILE_EXTENSION = /\.(png|jpe?g|webp|avif|mp4|webm)$/;

/**
 * Stored files are encrypted with AES-256-GCM (a fresh IV per file, the key from ENCRYPTION_KEY) and
 * handed out through signed, expiring links: `<key>.<expiry>.<hmac>` in base64url, so a link can be
 * checked without a database lookup and cannot be forged or extended.
 */
@Injectable()
export class FileStore {
  private readonly key: Buffer;
  private readonly signingKey: Buffer;

  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = decodeEncryptionKey(config.encryptionKey);
    this.signingKey = createHash('sha256').update('darkroom-file-links').update(this.key).digest();
  }

  async put(storageKey: string, data: Buffer): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = cipher.update(data);
    const tail = cipher.final();
    // One copy of the image into the sealed file (GCM's final adds no bytes), not a copy of the ciphertext first.
    await this.driver.put(storageKey, Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body, tail]));
  }

  /** Encrypts the chunks as they come (a video from a provider) and answers how many bytes they held. */
  async putStream(storageKey: string, chunks: AsyncIterable<Uint8Array>): Promise<number> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    let bytes = 0;
    async function* sealed() {
      yield Buffer.concat([STREAMED, iv]);
      for await (const chunk of chunks) {
        bytes += chunk.length;
        yield cipher.update(chunk);
      }
      yield Buffer.concat([cipher.final(), cipher.getAuthTag()]);
    }
    await this.driver.putStream(storageKey, sealed());
    return bytes;
  }

  async get(storageKey: string): Promise<Buffer | null> {
    const sealed = await this.driver.get(storageKey);
    if (!sealed) return null;
    const streamed = sealed.subarray(0, 4).equals(STREAMED);
    if (!streamed && !sealed.subarray(0, 4).equals(MAGIC)) throw this.notSealed(storageKey);
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(4, 16));
    decipher.setAuthTag(streamed ? sealed.subarray(-TAG_BYTES) : sealed.subarray(16, 32));
    return Buffer.concat([decipher.update(streamed ? sealed.subarray(16, -TAG_BYTES) : sealed.subarray(32)), decipher.final()]);
  }

  /**
   * A file's bytes as they are read and decrypted, or null when there is none. Its tag is checked at
   * the end: a file altered in storage fails the stream there, after what came before was handed on.
   */
  async getStream(storageKey: string): Promise<AsyncIterable<Buffer> | null> {
    const source = await this.driver.getStream(storageKey);
    return source && this.unseal(source, storageKey);
  }

  private async *unseal(source: AsyncIterable<Uint8Array>, storageKey: string): AsyncIterable<Buffer> {
    let held = Buffer.alloc(0);
    let decipher: DecipherGCM | undefined;
    // A streamed file's last bytes are its tag: held back until the end.
    let trailer = 0;
    for await (const chunk of source) {
      held = Buffer.concat([held, chunk]);
      if (!decipher) {
        if (held.length < 32) continue;
        const streamed = held.subarray(0, 4).equals(STREAMED);
        if (!streamed && !held.subarray(0, 4).equals(MAGIC)) throw this.notSealed(storageKey);
        decipher = createDecipheriv('aes-256-gcm', this.key, held.subarray(4, 16));
        if (!streamed) decipher.setAuthTag(held.subarray(16, 32));
        trailer = streamed ? TAG_BYTES : 0;
        held = held.subarray(streamed ? 16 : 32);
      }
      const ready = held.length - trailer;
      if (ready <= 0) continue;
      yield decipher.update(held.subarray(0, ready));
      held = held.subarray(ready);
    }
    if (!decipher) throw this.notSealed(storageKey);
    if (trailer) decipher.setAuthTag(held);
    yield decipher.final();
  }

  private notSealed(storageKey: string): Error {
    return new Error(`stored file ${storageKey} is not in Darkroom's encrypted format`);
  }

  delete(storageKey: string): Promise<void> {
    return this.driver.delete(storageKey);
  }

  /**
   * `extension` ends the URL with the file's type (`.jpg`): some stores that fetch an image by its
   * URL (WordPress) refuse one without; the link works with or without it.
   */
  link(fileId: string, ttlSeconds = this.config.files.linkTtlSeconds, extension?: string): FileLink {
    return this.linkUnder('/api/v1/files', fileId, ttlSeconds, extension);
  }

  /** A link served by another route than the images' (`/api/v1/videos/files`), signed the same way. */
  linkUnder(route: string, fileId: string, ttlSeconds = this.config.files.linkTtlSeconds, extension?: string): FileLink {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const payload = `${fileId}.${Math.floor(expiresAt.getTime() / 1000)}`;
    const token = `${Buffer.from(payload).toString('base64url')}.${this.sign(payload)}`;
    return { token, url: new URL(`${route}/${token}${extension ? `.${extension}` : ''}`, this.config.publicUrl).toString(), expiresAt };
  }

  /** The file id a link names: `null` for a forged or malformed token, `'expired'` past its expiry. */
  verifyLink(token: string): { fileId: string; expiresAt: Date } | 'expired' | null {
    const [encoded, signature] = token.replace(FILE_EXTENSION, '').split('.');
    if (!encoded || !signature) return null;
    const payload = Buffer.from(encoded, 'base64url').toString('utf8');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const [fileId, exp] = payload.split('.');
    if (!fileId || !/^\d+$/.test(exp ?? '')) return null;
    return Number(exp) * 1000 <= Date.now() ? 'expired' : { fileId, expiresAt: new Date(Number(exp) * 1000) };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.signingKey).update(payload).digest('base64url');
  }
}
