import sharp from 'sharp';
import { ProviderError, providerErrorFromStatus, retryAfterMs, type ImageBytes, type ImageFormat, type SourceImage } from '../../../src/plugins';

/** The Basic API's failed answers: `{detail, status_code, type}`; the v2 API's `{error: {detail | message}}`. */
export interface PhotoroomErrorBody {
  detail?: string;
  status_code?: number;
  type?: string;
  error?: { detail?: string; message?: string };
}

/** Photoroom does not say how long a 429 should wait: a few seconds, then the core's backoff. */
const RATE_LIMIT_WAIT_MS = 5_000;

/** Photoroom's names for Darkroom's formats. */
export const PHOTOROOM_FORMATS: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

/** A failed answer as the kind the core acts on: 400 the input, 402 spent credits, 401 and 403 the key, 429 a rate limit, 5xx transient. */
export function photoroomError(status: number, body: PhotoroomErrorBody, headers: { get(name: string): string | null }): ProviderError {
  const said = body.detail ?? body.error?.detail ?? body.error?.message;
  const message = `photoroom: ${said || `HTTP ${status}`}`;
  const detail = body.type ?? `HTTP ${status}`;
  if (status === 400) return new ProviderError('invalid_input', message, { detail });
  if (status === 401 || status === 403) return new ProviderError('invalid_credentials', message, { detail });
  if (status === 402) return new ProviderError('quota_exhausted', `${message} (the account has no credits left)`, { detail });
  if (status === 429) return new ProviderError('rate_limited', message, { retryAfterMs: retryAfterMs(headers) ?? RATE_LIMIT_WAIT_MS, detail });
  const { kind, retryAfterMs: wait } = providerErrorFromStatus(status, message, headers);
  return new ProviderError(kind, message, { retryAfterMs: wait, detail });
}

/** A source as the multipart `image_file` part. */
export function imageFile(image: SourceImage): { blob: Blob; name: string } {
  return { blob: new Blob([image.data], { type: image.mimeType }), name: `image.${image.mimeType.split('/')[1] ?? 'png'}` };
}

/** The answer as Darkroom's output, in the format asked, its size read from the bytes. */
export async function outputOf(data: Buffer, format: ImageFormat): Promise<ImageBytes> {
  const meta = await sharp(data).metadata();
  const bytes = meta.format === format ? data : await sharp(data).toFormat(format).toBuffer();
  return { data: bytes, format, width: meta.width!, height: meta.height! };
}
