import sharp from 'sharp';
import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import { METRIC_NAMES, type Metric } from '../marketplaces/marketplace-metrics';
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

const ALL_METRICS: ReadonlySet<Metric> = new Set(METRIC_NAMES);

/** The metrics read from the decoded pixels; the rest come from the file's header, without decoding it. */
const PIXEL_METRICS: ReadonlySet<Metric> = new Set(['borderWhitePurity', 'backgroundUniformity', 'subjectFill', 'addedBorder', 'sharpness']);

/** Whether measuring these decodes the pixels; without, it reads the header only (a fraction of a millisecond, off the event loop). */
export function needsPixels(metrics: ReadonlySet<Metric>): boolean {
  return [...metrics].some((metric) => PIXEL_METRICS.has(metric));
}

/** The metrics the slots' rules name: all that holding an image against them needs measured. */
export function metricsOf(slots: MarketplaceSlotDto[]): Set<Metric> {
  return new Set(slots.flatMap((slot) => slot.rules.map((rule) => rule.metric)));
}

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
 * decompression bomb before any pixel is decoded); only when a metric asked for needs the pixels are
 * they decoded, once, upright, in sRGB, shrunk to MEASURE_SIDE, and every pixel measure reads that
 * copy. `metrics` (default: all) leaves out what no rule at hand names: a scan of thousands of store
 * images held against a header-only pack decodes none of them. The metrics not asked for are absent.
 */
export async function measureImage(bytes: Buffer, pixelLimit = DEFAULT_PIXEL_LIMIT, metrics: ReadonlySet<Metric> = ALL_METRICS): Promise<ImageMeasurements> {
  const facts = await readFileFacts(bytes, pixelLimit);
  const divisor = gcd(facts.width, facts.height);
  const measured: Partial<ImageMeasurements> = {
    aspectRatio: `${facts.width / divisor}:${facts.height / divisor}`,
    width: facts.width,
    height: facts.height,
    longestSide: Math.max(facts.width, facts.height),
    fileSize: facts.bytes,
    format: formatName(facts),
    colourSpace: facts.colourSpace,
    alpha: facts.alpha,
  };
  if (needsPixels(metrics)) {
    const image = await decodeRaw(bytes, { maxSide: MEASURE_SIDE, pixelLimit });
    if (metrics.has('borderWhitePurity')) measured.borderWhitePurity = share(borderWhitePurity(image));
    if (metrics.has('backgroundUniformity')) measured.backgroundUniformity = share(backgroundUniformity(image));
    if (metrics.has('subjectFill')) measured.subjectFill = share(subjectFill(subjectBox(image), image));
    if (metrics.has('addedBorder')) measured.addedBorder = addedBorderWidth(image) > 0;
    if (metrics.has('sharpness')) measured.sharpness = Math.round(await sharpnessOf(image));
  }
  return measured as ImageMeasurements;
}
