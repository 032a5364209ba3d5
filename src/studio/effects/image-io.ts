import sharp, { type Sharp } from 'sharp';
import type { RawImage } from '../measure/raw-image';
import type { Box } from '../measure/subject';
import { type EncodedImage, type OutputFormat, type RemoveBackground, type StepClock, StudioInputError } from '../pipeline/studio-pipeline';
import { alphaBox } from './shadow';

/** `#rrggbb` as its three channel values; anything else is refused with the value named. */
export function parseHexColour(colour: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) throw new RangeError(`a colour must be written #rrggbb, got "${colour}"`);
  return [parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)];
}

export type StudioBackground = 'white' | 'transparent' | `#${string}`;

/** The colour's three channel values, or null for transparent. */
export function backgroundColour(background: StudioBackground): [number, number, number] | null {
  if (background === 'transparent') return null;
  return background === 'white' ? [255, 255, 255] : parseHexColour(background);
}

/** RGB colour and a separate alpha (one byte per pixel) joined into one RGBA image, on libvips's thread pool. */
export async function withAlpha(image: RawImage, alpha: Uint8Array): Promise<RawImage> {
  const band = Buffer.from(alpha.buffer, alpha.byteOffset, alpha.length);
  return toRaw(rawPipeline(image).joinChannel(band, { raw: { width: image.width, height: image.height, channels: 1 } }));
}

/** A decoded source: upright sRGB colour (3 channels) and, when the file is transparent somewhere, its alpha. */
export interface DecodedSource {
  image: RawImage;
  alpha: Buffer | null;
}

/**
 * Decodes a source image refusing more than `pixelLimit` pixels before decoding, turned upright by its
 * EXIF orientation and converted to sRGB. A file that is already cut out (some alpha below 255) keeps
 * its alpha apart, so the caller can use it instead of removing the background again.
 */
export async function decodeSource(source: Buffer, pixelLimit: number): Promise<DecodedSource> {
  const decoder = sharp(source, { limitInputPixels: pixelLimit }).rotate().toColourspace('srgb');
  if (!(await decoder.metadata()).hasAlpha) return { image: await toRaw(decoder.removeAlpha()), alpha: null };
  // Decoded once; colour and alpha are then split on libvips's thread pool rather than in a loop here.
  const rgba = await toRaw(decoder.ensureAlpha());
  const [image, alpha] = await Promise.all([toRaw(rawPipeline(rgba).removeAlpha()), toRaw(rawPipeline(rgba).extractChannel(3))]);
  let transparent = false;
  for (let pixel = 0; pixel < alpha.data.length && !transparent; pixel++) transparent = alpha.data[pixel] < 255;
  return { image, alpha: transparent ? Buffer.from(alpha.data.buffer, alpha.data.byteOffset, alpha.data.length) : null };
}

/**
 * The subject's alpha over a decoded source: the file's own when it is already cut out, else the
 * remover's (in `auto` mode, timed as the removeBackground step), with the subject's box. An image in
 * which nothing stands out is the input's fault: StudioInputError.
 */
export async function cutSubject(
  decoded: DecodedSource,
  deps: { removeBackground: RemoveBackground; clock: StepClock; signal?: AbortSignal },
): Promise<{ alpha: Buffer; box: Box }> {
  const { image } = decoded;
  let alpha = decoded.alpha;
  if (!alpha) {
    const mask = await deps.clock.time('removeBackground', () => deps.removeBackground(image, 'auto', deps.signal));
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new Error(`The background remover returned a ${mask.width}x${mask.height} mask for a ${image.width}x${image.height} image`);
    }
    alpha = mask.alpha;
  }
  const box = alphaBox(alpha, image.width, image.height);
  if (!box) throw new StudioInputError('No subject was found in the image: nothing stands out from its background');
  return { alpha, box };
}

/** Runs a pipeline to raw pixels. */
export async function toRaw(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** A sharp pipeline over raw pixels. */
export function rawPipeline(image: RawImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 } });
}

/**
 * Encodes raw pixels (metadata is never written: sharp keeps none unless asked). JPEG has no alpha,
 * so a transparent canvas is flattened onto white for it; `opaque` drops an alpha the caller knows is full.
 */
export async function encodeRaw(image: RawImage, format: OutputFormat, options: { opaque?: boolean } = {}): Promise<EncodedImage> {
  let pipeline = rawPipeline(image);
  if (options.opaque && image.channels === 4) pipeline = pipeline.removeAlpha();
  if (format === 'jpeg') pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 90, chromaSubsampling: '4:4:4' });
  else if (format === 'png') pipeline = pipeline.png();
  else if (format === 'webp') pipeline = pipeline.webp({ quality: 90 });
  else pipeline = pipeline.avif({ quality: 60 });
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { data, format, width: info.width, height: info.height };
}
