import sharp from 'sharp';
import { alphaBox, castShadow } from '../effects/shadow';
import type { RawImage } from '../measure/raw-image';
import { subjectBox } from '../measure/subject';
import { StudioInputError, type EncodedImage, type RemoveBackground, type StepClock } from '../pipeline/studio-pipeline';
import { encodeImage } from './encode';
import { planFrame } from './frame';
import { assertProcessOptionsCoherent, type ProcessOptions } from './process-options';
import { placedAlpha, reframe, type PlacedLayer } from './reframe';

export interface ProcessDeps {
  removeBackground: RemoveBackground;
  clock: StepClock;
  /** Images above this many pixels are refused before decoding. */
  pixelLimit: number;
  signal?: AbortSignal;
}

/** Decodes upright (EXIF orientation), in 8-bit sRGB, any alpha flattened onto white: 3 channels. */
async function decodeOpaque(source: Buffer, pixelLimit: number): Promise<RawImage> {
  const { data, info } = await sharp(source, { limitInputPixels: pixelLimit })
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** The canvas in the background colour (or transparent) with the subject laid over it, RGBA. */
async function compositeOnto(layer: PlacedLayer, canvas: { width: number; height: number }, background: ProcessOptions['background']): Promise<RawImage> {
  const colour = background === 'transparent' ? { r: 0, g: 0, b: 0, alpha: 0 } : background === 'white' ? '#ffffff' : background;
  const { data, info } = await sharp({ create: { ...canvas, channels: 4, background: colour } })
    .composite([{ input: layer.data, raw: { width: layer.width, height: layer.height, channels: 4 }, left: layer.left, top: layer.top }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/**
 * Makes a product photo ready for a marketplace: decodes it within the pixel limit (upright, sRGB),
 * cuts the subject out (unless removeBackground is none, when the subject box is what stands out from
 * the border's colour), reframes the subject box to the canvas by margin or fill, lays it on the
 * background keeping its feathered edge, casts a procedural shadow under it if asked, and encodes it
 * without metadata under maxBytes. Each step is timed on deps.clock. An image with no subject is
 * refused with a StudioInputError.
 */
export async function processImage(source: Buffer, options: ProcessOptions, deps: ProcessDeps): Promise<EncodedImage> {
  assertProcessOptionsCoherent(options);
  const { clock, signal } = deps;
  const image = await clock.time('decode', () => decodeOpaque(source, deps.pixelLimit));
  signal?.throwIfAborted();
  let alpha: Buffer | null = null;
  if (options.removeBackground !== 'none') {
    const mode = options.removeBackground;
    const mask = await clock.time('removeBackground', () => deps.removeBackground(image, mode, signal));
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new Error(`The background remover returned a ${mask.width}x${mask.height} mask for a ${image.width}x${image.height} image`);
    }
    alpha = mask.alpha;
    signal?.throwIfAborted();
  }
  const box = await clock.time('subjectBox', () => (alpha ? alphaBox(alpha, image.width, image.height) : subjectBox(image)));
  if (!box) throw new StudioInputError('No subject was found in the image: nothing stands out from its background');
  const frame = planFrame(box, options);
  const layer = await clock.time('reframe', () => reframe(image, alpha, box, frame));
  signal?.throwIfAborted();
  let canvas = await clock.time('composite', () => compositeOnto(layer, frame.canvas, options.background));
  signal?.throwIfAborted();
  if (options.shadow !== 'none') {
    const kind = options.shadow;
    const placed = canvas;
    canvas = await clock.time('shadow', async () => castShadow(placed, await placedAlpha(layer, frame.canvas), { kind }));
    signal?.throwIfAborted();
  }
  const opaque = options.background !== 'transparent';
  return clock.time('encode', () => encodeImage(canvas, { format: options.format, jpegQuality: options.jpegQuality, maxBytes: options.maxBytes, opaque }, signal));
}
