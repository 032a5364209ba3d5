import sharp, { type Metadata } from 'sharp';
import { decodeRaw } from '../measure/raw-image';
import { type EncodedImage, OUTPUT_FORMATS, type OutputFormat, type StepClock, StudioInputError } from '../pipeline/studio-pipeline';
import { encodeRaw, rawPipeline, toRaw } from './image-io';

export const UPSCALE_FACTORS = [2, 4] as const;
export type UpscaleFactor = (typeof UPSCALE_FACTORS)[number];

export interface UpscaleOptions {
  factor: UpscaleFactor;
  /** Default: the source's format when the studio writes it, else png. */
  format?: OutputFormat;
}

export interface UpscaleDeps {
  clock: StepClock;
  pixelLimit: number;
  maxOutputPixels: number;
  signal?: AbortSignal;
}

/** The studio's name for a format sharp reports (AVIF is read as heif with AV1 compression), or null when the studio does not write it. */
function studioFormat(metadata: Metadata): OutputFormat | null {
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : null;
  return OUTPUT_FORMATS.find((format) => format === metadata.format) ?? null;
}

/**
 * Classical upscaling: Lanczos3 interpolation then a mild unsharp mask (libvips's sharpen, stronger
 * on edges than on flat areas) to win back some of the crispness interpolation smooths away. It
 * invents no detail. An output above `maxOutputPixels` is refused from the header, before decoding.
 */
export async function upscaleImage(source: Buffer, options: UpscaleOptions, deps: UpscaleDeps): Promise<EncodedImage> {
  const { clock, signal } = deps;
  const { factor } = options;
  if (!UPSCALE_FACTORS.includes(factor)) throw new RangeError(`the upscale factor must be 2 or 4, got ${factor}`);
  const { image, format } = await clock.time('decode', async () => {
    const metadata = await sharp(source, { limitInputPixels: deps.pixelLimit }).metadata();
    const outputPixels = (metadata.width ?? 0) * factor * (metadata.height ?? 0) * factor;
    if (outputPixels > deps.maxOutputPixels) {
      throw new StudioInputError(
        `upscaling ${metadata.width}x${metadata.height} by ${factor} makes ${outputPixels} pixels, above the limit of ${deps.maxOutputPixels}`,
      );
    }
    return { image: await decodeRaw(source, { pixelLimit: deps.pixelLimit }), format: options.format ?? studioFormat(metadata) ?? 'png' };
  });
  signal?.throwIfAborted();
  const upscaled = await clock.time('upscale', () =>
    toRaw(rawPipeline(image).resize(image.width * factor, image.height * factor, { kernel: 'lanczos3', fit: 'fill' })),
  );
  signal?.throwIfAborted();
  const sharpened = await clock.time('sharpen', () => toRaw(rawPipeline(upscaled).sharpen({ sigma: 0.5 * factor, m1: 0.5, m2: 1.5 })));
  signal?.throwIfAborted();
  return clock.time('encode', () => encodeRaw(sharpened, format));
}
