import { crc32 } from 'node:zlib';
import { randomBase62 } from '../../common/ids';
import type { ApiKeyType } from '../../tenancy/principal';

const TYPE_TAGS: Record<ApiKeyType, string> = { live: 'live', test: 'test', publishable: 'pub' };
const SECRET_PATTERN = /^drk_(live|test|pub)_([0-9A-Za-z]{32})_([0-9a-f]{8})$/;
const RANDOM_LENGTH = 32;
/** Characters of the random part shown in listings so a person can tell keys apart. */
const VISIBLE_CHARS = 6;

const checksum = (body: string): string => crc32(body).toString(16).padStart(8, '0');

export interface GeneratedSecret {
  secret: string;
  prefix: string;
}

/**
 * `drk_<live|test|pub>_<32 base62>_<crc32 hex>`: the checksum lets a secret scanner recognise a
 * leaked key offline and lets us refuse a mistyped one before any lookup.
 */
export function generateApiKeySecret(type: ApiKeyType): GeneratedSecret {
  const body = `drk_${TYPE_TAGS[type]}_${randomBase62(RANDOM_LENGTH)}`;
  return { secret: `${body}_${checksum(body)}`, prefix: body.slice(0, body.length - RANDOM_LENGTH + VISIBLE_CHARS) };
}

/** The key type a well-formed secret claims, or null when its shape or checksum is wrong. */
export function parseApiKeySecret(secret: string): ApiKeyType | null {
  const match = SECRET_PATTERN.exec(secret);
  if (!match) return null;
  const body = `drk_${match[1]}_${match[2]}`;
  if (checksum(body) !== match[3]) return null;
  return match[1] === 'pub' ? 'publishable' : (match[1] as ApiKeyType);
}
