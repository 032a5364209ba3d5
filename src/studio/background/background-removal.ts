import sharp from 'sharp';
import type { RawImage } from '../measure/raw-image';
import type { EncodedImage, RemovalMode, RemoveBackground, StepClock, SubjectMask } from '../pipeline/studio-pipeline';
import { cutBackdrop, fitImageBackdrop } from './backdrop';

/**
 * The most noise (robust standard deviation, in colour levels) a border may show about the smooth
 * surface fitted to it for `auto` to take it for a studio backdrop. Flat and graded sweeps leave their
 * sensor noise, about 2.5 levels on the fixtures; a textured cloth leaves about 23. backgroundUniformity
 * cannot tell these apart (a graded sweep scores 0.15, below a cloth's 0.56), the fitted surface can.
 */
export const PLAIN_BACKDROP_NOISE = 8;

/** Whether the image's border is a plain studio backdrop (flat or graded), which the classical cut handles. */
export function hasPlainBackdrop(image: RawImage): boolean {
  return fitImageBackdrop(image).noise <= PLAIN_BACKDROP_NOISE;
}

/** How the segmentation model is reached: in the app, the main thread's SegmentationModel, asked from a worker thread. */
export type ModelMask = (image: RawImage, signal?: AbortSignal) => Promise<Buffer>;

/** Background removal for the studio: the classical backdrop cut, the segmentation model, or whichever suits the image. */
export function backgroundRemover(modelMask: ModelMask): RemoveBackground {
  return async (image, mode, signal) => {
    signal?.throwIfAborted();
    const resolved = mode === 'auto' ? (hasPlainBackdrop(image) ? 'backdrop' : 'model') : mode;
    const alpha = resolved === 'backdrop' ? await cutBackdrop(image) : await modelMask(image, signal);
    return { alpha, width: image.width, height: image.height, mode: resolved } satisfies SubjectMask;
  };
}

/** Decodes a source bounded by `pixelLimit`, upright by its EXIF orientation, in 8-bit sRGB, a transparent part flattened onto white. */
async function decodeSource(source: Buffer, pixelLimit: number): Promise<RawImage> {
  const { data, info } = await sharp(source, { limitInputPixels: pixelLimit })
    .rotate()
    .toColourspace('srgb')
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** The subject's cut-out (RGBA PNG) or its mask (greyscale PNG), metadata stripped. */
async function encodeRemoval(image: RawImage, mask: SubjectMask, output: 'cutout' | 'mask'): Promise<Buffer> {
  const alpha = { raw: { width: mask.width, height: mask.height, channels: 1 as const } };
  if (output === 'mask') return sharp(mask.alpha, alpha).toColourspace('b-w').png().toBuffer();
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 3 | 4 } })
    .joinChannel(mask.alpha, alpha)
    .png()
    .toBuffer();
}

/** POST /backgrounds/remove: the source decoded, its background removed in `mode`, encoded as PNG (steps `decode`, `removeBackground`, `encode`). */
export async function removeBackgroundImage(
  source: Buffer,
  options: { mode: RemovalMode; output: 'cutout' | 'mask' },
  deps: { removeBackground: RemoveBackground; clock: StepClock; pixelLimit: number; signal?: AbortSignal },
): Promise<EncodedImage> {
  const { clock, signal } = deps;
  const image = await clock.time('decode', () => decodeSource(source, deps.pixelLimit));
  signal?.throwIfAborted();
  const mask = await clock.time('removeBackground', () => deps.removeBackground(image, options.mode, signal));
  signal?.throwIfAborted();
  const data = await clock.time('encode', () => encodeRemoval(image, mask, options.output));
  return { data, format: 'png', width: image.width, height: image.height };
}
