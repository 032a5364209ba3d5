import sharp from 'sharp';
import type { RawImage } from '../measure/raw-image';
import { StudioInputError, type EncodedImage, type OutputFormat } from '../pipeline/studio-pipeline';

export interface EncodeOptions {
  format: OutputFormat;
  /** JPEG quality; webp and avif start from sharp's defaults. */
  jpegQuality: number;
  maxBytes?: number;
  /** Drops a 4th channel the image carries though every pixel is opaque. */
  opaque?: boolean;
}

const START_QUALITY: Record<'webp' | 'avif', number> = { webp: 80, avif: 50 };
/** PNG's fall-backs, tried in turn while the file is too big: a palette, then fewer colours. */
const PALETTE_COLOURS = [256, 128, 64, 32, 16, 8, 4, 2];

type Encoder = (quality: number) => Promise<Buffer>;

function encoderFor(image: RawImage, format: OutputFormat, opaque: boolean, signal?: AbortSignal): Encoder {
  const { data, width, height, channels } = image;
  const pixels = () => {
    signal?.throwIfAborted();
    const pipeline = sharp(data, { raw: { width, height, channels: channels as 3 | 4 } });
    return opaque && channels === 4 ? pipeline.removeAlpha() : pipeline;
  };
  switch (format) {
    case 'jpeg':
      return (quality) => pixels().jpeg({ quality }).toBuffer();
    case 'webp':
      return (quality) => pixels().webp({ quality }).toBuffer();
    case 'avif':
      return (quality) => pixels().avif({ quality }).toBuffer();
    case 'png':
      // `quality` here indexes the palette list; 0 is the lossless file.
      return (step) => (step === 0 ? pixels().png().toBuffer() : pixels().png({ palette: true, effort: 10, colours: PALETTE_COLOURS[step - 1] }).toBuffer());
  }
}

function tooBig(format: OutputFormat, maxBytes: number, smallest: number, how: string): StudioInputError {
  return new StudioInputError(`The image cannot be encoded as ${format} in ${maxBytes} bytes (maxBytes): the smallest file reached was ${smallest} bytes, ${how}`);
}

/** The best quality from `low` to `high` whose file fits, by bisection; null when even `low` does not. */
async function bestFitting(encode: Encoder, low: number, high: number, maxBytes: number): Promise<{ data: Buffer | null; smallest: number }> {
  let best: Buffer | null = null;
  let smallest = Infinity;
  while (low <= high) {
    const quality = Math.floor((low + high) / 2);
    const data = await encode(quality);
    smallest = Math.min(smallest, data.length);
    if (data.length <= maxBytes) {
      best = data;
      low = quality + 1;
    } else {
      high = quality - 1;
    }
  }
  return { data: best, smallest };
}

/**
 * Encodes decoded sRGB pixels (3 channels, or 4 with alpha) without metadata. Under `maxBytes`, a lossy
 * format keeps the highest quality (at most the starting one) whose file fits, and PNG falls back to a
 * palette with fewer and fewer colours; when nothing fits, a StudioInputError names the smallest
 * size reached.
 */
export async function encodeImage(image: RawImage, options: EncodeOptions, signal?: AbortSignal): Promise<EncodedImage> {
  const { format, maxBytes } = options;
  const encode = encoderFor(image, format, options.opaque ?? false, signal);
  const start = format === 'png' ? 0 : format === 'jpeg' ? options.jpegQuality : START_QUALITY[format];
  const first = await encode(start);
  const done = (data: Buffer): EncodedImage => ({ data, format, width: image.width, height: image.height });
  if (maxBytes === undefined || first.length <= maxBytes) return done(first);
  if (format === 'png') {
    let smallest = first.length;
    for (let step = 1; step <= PALETTE_COLOURS.length; step++) {
      const data = await encode(step);
      if (data.length <= maxBytes) return done(data);
      smallest = Math.min(smallest, data.length);
    }
    throw tooBig(format, maxBytes, smallest, `with a ${PALETTE_COLOURS[PALETTE_COLOURS.length - 1]}-colour palette`);
  }
  const { data, smallest } = await bestFitting(encode, 1, start - 1, maxBytes);
  if (data) return done(data);
  throw tooBig(format, maxBytes, Math.min(smallest, first.length), 'at quality 1');
}
