import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { decodeEncryptionKey } from '../common/crypto/secret-box';
import { STORAGE_DRIVER, type StorageDriver } from './storage-driver';

const MAGIC = Buffer.from('DRK1');

export interface FileLink {
  token: string;
  url: string;
  expiresAt: Date;
}

/** The file type a link may end with (link()'s `extension`), which verifying ignores. */
const FILE_EXTENSION = /\.(png|jpe?g|webp|avif)$/;

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
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    await this.driver.put(storageKey, Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]));
  }

  async get(storageKey: string): Promise<Buffer | null> {
    const sealed = await this.driver.get(storageKey);
    if (!sealed) return null;
    if (!sealed.subarray(0, 4).equals(MAGIC)) throw new Error(`stored file ${storageKey} is not in Darkroom's encrypted format`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(4, 16));
    decipher.setAuthTag(sealed.subarray(16, 32));
    return Buffer.concat([decipher.update(sealed.subarray(32)), decipher.final()]);
  }

  delete(storageKey: string): Promise<void> {
    return this.driver.delete(storageKey);
  }

  /**
   * `extension` ends the URL with the file's type (`.jpg`): some stores that fetch an image by its
   * URL (WordPress) refuse one without; the link works with or without it.
   */
  link(fileId: string, ttlSeconds = this.config.files.linkTtlSeconds, extension?: string): FileLink {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const payload = `${fileId}.${Math.floor(expiresAt.getTime() / 1000)}`;
    const token = `${Buffer.from(payload).toString('base64url')}.${this.sign(payload)}`;
    return { token, url: new URL(`/api/v1/files/${token}${extension ? `.${extension}` : ''}`, this.config.publicUrl).toString(), expiresAt };
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
