import sharp from 'sharp';
import {
  ProviderError,
  providerErrorFromStatus,
  retryAfterMs,
  type ImageBytes,
  type ImageFormat,
  type ProviderCost,
  type SourceImage,
} from '../../../src/plugins';

/** Every failed answer: `{errors: [{title, code?, detail?}]}`. */
export interface RemoveBgErrorBody {
  errors?: { title?: string; code?: string; detail?: string }[];
}

/** remove.bg's rate limit is per minute: without a Retry-After, wait out the window. */
const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * A failed answer as the kind the core acts on: 400 (unknown_foreground, file_too_large, ...) is the
 * input, 402 "Insufficient credits" the balance, 401 and 403 the key, 429 a rate limit waiting as
 * Retry-After (or X-RateLimit-Reset, a Unix time) says; 5xx transient. None of these is charged.
 */
export function removeBgError(status: number, body: RemoveBgErrorBody, headers: { get(name: string): string | null }): ProviderError {
  const first = body.errors?.[0];
  const message = `removebg: ${[first?.title, first?.detail].filter(Boolean).join(': ') || `HTTP ${status}`}`;
  const detail = first?.code ?? `HTTP ${status}`;
  if (status === 400) return new ProviderError('invalid_input', message, { detail });
  if (status === 401 || status === 403) return new ProviderError('invalid_credentials', message, { detail });
  if (status === 402) return new ProviderError('quota_exhausted', `${message} (the account has no credits left)`, { detail });
  if (status === 429) return new ProviderError('rate_limited', message, { retryAfterMs: retryAfterMs(headers) ?? resetIn(headers) ?? RATE_LIMIT_WINDOW_MS, detail });
  return providerErrorFromStatus(status, message, headers);
}

/** X-RateLimit-Reset, a Unix time in seconds, as milliseconds from now. */
function resetIn(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const reset = Number(headers.get('x-ratelimit-reset'));
  return headers.get('x-ratelimit-reset') && Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : undefined;
}

/** What an answer cost, from X-Credits-Charged, in remove.bg credits. */
export function costOf(headers: { get(name: string): string | null }): ProviderCost | undefined {
  const charged = Number(headers.get('x-credits-charged'));
  return headers.get('x-credits-charged') !== null && Number.isFinite(charged) ? { amount: charged, currency: 'removebg-credits' } : undefined;
}

/** A source as the multipart `image_file` part. */
export function imageFile(image: SourceImage): { blob: Blob; name: string } {
  return { blob: new Blob([image.data], { type: image.mimeType }), name: `image.${image.mimeType.split('/')[1] ?? 'png'}` };
}

/** The cut-out as Darkroom's output, in the format asked, its size read from the bytes. */
export async function outputOf(data: Buffer, format: ImageFormat): Promise<ImageBytes> {
  const meta = await sharp(data).metadata();
  const bytes = meta.format === format ? data : await sharp(data).toFormat(format).toBuffer();
  return { data: bytes, format, width: meta.width!, height: meta.height! };
}
