import { createHash, randomBytes } from 'node:crypto';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** An opaque single-use token (mail links, refresh tokens): 32 random bytes, url-safe. */
export const randomToken = (prefix = ''): string => `${prefix}${randomBytes(32).toString('base64url')}`;
