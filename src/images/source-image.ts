import sharp from 'sharp';
import { AppError } from '../common/errors/app-error';

const MAX_SOURCE_PIXELS = 40_000_000;
/** The formats docs/generation.md promises, as sharp names them; AVIF is HEIF holding AV1. */
const MIME_TYPES: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
const PROMISED = 'PNG, JPEG, WebP or AVIF';

/**
 * A source image's MIME type, once the whole image has been decoded as the provider will decode it:
 * a file in another format, over the pixel bound, cut short or corrupt is refused here with
 * 422 unprocessable_image, before anything is stored, queued or charged, not when the job runs.
 */
export async function decodeSource(data: Buffer, index: number, field = `images[${index}]`): Promise<string> {
  const refuse = (why: string) => new AppError('unprocessable_image', `${field} ${why}`, { index });
  const meta = await sharp(data).metadata().catch(() => {
    throw refuse(`is not an image we can read: send ${PROMISED}`);
  });
  const mimeType = meta.format === 'heif' ? (meta.compression === 'av1' ? 'image/avif' : undefined) : MIME_TYPES[meta.format];
  if (!mimeType) throw refuse(`is a ${meta.format === 'heif' ? 'HEIC' : meta.format.toUpperCase()} image; send ${PROMISED}`);
  if (meta.width * meta.height > MAX_SOURCE_PIXELS) throw refuse(`is ${meta.width}x${meta.height}, over ${MAX_SOURCE_PIXELS / 1e6} megapixels`);
  if (!(await decodesInFull(data, MAX_SOURCE_PIXELS))) throw refuse(`could not be decoded: the ${meta.format.toUpperCase()} file is cut short or corrupt`);
  return mimeType;
}

/**
 * Whether every pixel of the image decodes: a truncated or corrupt file does not. One channel is
 * kept (a tenth of stats()' time), then dropped.
 */
export async function decodesInFull(data: Buffer, pixelLimit: number): Promise<boolean> {
  return sharp(data, { limitInputPixels: pixelLimit, sequentialRead: true })
    .extractChannel(0)
    .raw()
    .toBuffer()
    .then(() => true, () => false);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A source image sent as base64 (whitespace allowed), refused with 400 invalid_base64 when it is not
 * base64 and 413 payload_too_large over `maxBytes`, before a byte of it is decoded.
 */
export function base64Source(text: string | undefined, maxBytes: number, index: number, field = `images[${index}]`): Buffer {
  const compact = (text ?? '').replace(/\s/g, '');
  if (!compact || compact.length % 4 !== 0 || !BASE64.test(compact)) throw new AppError('invalid_base64', `${field}.data is not valid base64`, { index });
  if ((compact.length / 4) * 3 > maxBytes) throw new AppError('payload_too_large', `${field} is over ${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB`, { index });
  return Buffer.from(compact, 'base64');
}
