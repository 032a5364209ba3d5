import sharp from 'sharp';
import type { Metric } from '../marketplaces/marketplace-metrics';
import { addedBorderWidth, backgroundUniformity, borderWhitePurity } from '../measure/border';
import { readFileFacts, type FileFacts } from '../measure/file-facts';
import { decodeRaw, DEFAULT_PIXEL_LIMIT, type RawImage } from '../measure/raw-image';
import { laplacianVariance, SHARPNESS_SIDE } from '../measure/sharpness';
import { subjectBox, subjectFill } from '../measure/subject';

/**
 * Every metric a rule pack can name, measured on one image, in the packs' vocabulary: shares from 0
 * to 1 (four decimals, so a report shows the figure its verdict was made on), pixels, bytes, format
 * and colour-space names, true/false, and the aspect ratio written W:H in lowest terms.
 */
export type ImageMeasurements = { [M in Metric]: M extends 'aspectRatio' | 'format' | 'colourSpace' ? string : M extends 'alpha' | 'addedBorder' ? boolean : number };

/** The pixel measures read a copy shrunk to this side: they are shares, which do not need every pixel. */
export const MEASURE_SIDE = 2048;

const share = (value: number) => Math.round(value * 10_000) / 10_000;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** sharp names AVIF and HEIC both `heif`; the packs name the codec. */
function formatName(facts: FileFacts): string {
  if (facts.format !== 'heif') return facts.format;
  return facts.heifCompression === 'av1' ? 'avif' : 'heic';
}

async function sharpnessOf(image: RawImage): Promise<number> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 } })
    .resize(SHARPNESS_SIDE, SHARPNESS_SIDE, { fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return laplacianVariance({ data, width: info.width, height: info.height, channels: info.channels });
}

/**
 * Measures an image for the rule packs. The header is read first (the pixel limit refuses a
 * decompression bomb before any pixel is decoded), then the pixels are decoded once, upright, in sRGB,
 * shrunk to MEASURE_SIDE, and every pixel measure reads that copy.
 */
export async function measureImage(bytes: Buffer, pixelLimit = DEFAULT_PIXEL_LIMIT): Promise<ImageMeasurements> {
  const facts = await readFileFacts(bytes, pixelLimit);
  const image = await decodeRaw(bytes, { maxSide: MEASURE_SIDE, pixelLimit });
  const divisor = gcd(facts.width, facts.height);
  return {
    borderWhitePurity: share(borderWhitePurity(image)),
    backgroundUniformity: share(backgroundUniformity(image)),
    subjectFill: share(subjectFill(subjectBox(image), image)),
    aspectRatio: `${facts.width / divisor}:${facts.height / divisor}`,
    width: facts.width,
    height: facts.height,
    longestSide: Math.max(facts.width, facts.height),
    fileSize: facts.bytes,
    format: formatName(facts),
    colourSpace: facts.colourSpace,
    alpha: facts.alpha,
    addedBorder: addedBorderWidth(image) > 0,
    sharpness: Math.round(await sharpnessOf(image)),
  };
}
