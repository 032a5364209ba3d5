import { setImmediate as nextTurn } from 'node:timers/promises';
import sharp from 'sharp';
import { inSlices, PIXELS_PER_SLICE } from '../effects/slices';
import type { RawImage } from '../measure/raw-image';
import { type BackdropModel, backdropRow, fitBackdrop } from './backdrop-model';
import { fillSmallHoles, keepMainComponents } from './mask-cleanup';

export interface BackdropCutOptions {
  /** The least colour distance from the backdrop that makes a pixel subject (raised on a noisy backdrop). */
  threshold?: number;
  /** How much darker than the backdrop (0..1 of its brightness) a pixel of its own hue may be and still count as shadow. */
  shadowAllowance?: number;
  /** Standard deviation, in pixels, of the feathered edge (default: 0.1% of the longer side, at least 0.6). */
  feather?: number;
}

/** A subject region smaller than this share of the largest one is a speck of dust or noise. */
const MIN_COMPONENT_SHARE = 0.02;
/** Holes up to this share of the subject are filled (a label close to the backdrop's colour). */
const MAX_HOLE_SHARE = 0.03;

/** The backdrop fitted to a ring of 2% of the shorter side (at least 2 pixels) round the image. */
export function fitImageBackdrop(image: RawImage): BackdropModel {
  return fitBackdrop(image, Math.max(2, Math.round(Math.min(image.width, image.height) * 0.02)));
}

/**
 * The subject as a binary mask (255 subject, 0 backdrop): the pixels whose colour distance from the
 * backdrop predicted at their place is above the threshold (at least `minThreshold`, raised to four
 * times the backdrop's noise). The distance combines the difference of hue (from the backdrop dimmed or
 * brightened to the pixel's level) with the difference of brightness, where a pixel darker than the
 * backdrop by up to `shadowAllowance` of its brightness counts as no darker (a shadow darkens the
 * backdrop without changing its hue). Runs in slices of rows, so a large image never holds the event loop.
 */
export async function subjectByBackdropDistance(image: RawImage, minThreshold: number, shadowAllowance: number): Promise<Uint8Array> {
  const { data, width, height, channels } = image;
  const model = fitImageBackdrop(image);
  // The fit is the longest step that cannot be sliced: let the loop turn before the first slice joins it.
  await nextTurn();
  const threshold = Math.max(minThreshold, 4 * model.noise);
  const squaredThreshold = threshold * threshold;
  const mask = new Uint8Array(width * height);
  const backdrop = new Float32Array(width * 3);
  await inSlices(height, PIXELS_PER_SLICE / width, (fromRow, toRow) => {
    for (let y = fromRow; y < toRow; y++) {
      backdropRow(model, y, width, height, backdrop);
      for (let x = 0; x < width; x++) {
        const offset = (y * width + x) * channels;
        const r = data[offset];
        const g = data[offset + 1];
        const b = data[offset + 2];
        const br = backdrop[x * 3];
        const bg = backdrop[x * 3 + 1];
        const bb = backdrop[x * 3 + 2];
        const level = (r + g + b) / 3;
        const backdropLevel = Math.max(1, (br + bg + bb) / 3);
        const change = level - backdropLevel;
        // Darker: compare with the backdrop dimmed to this level; brighter: this pixel brought down to the backdrop's.
        const pixelScale = change < 0 ? 1 : backdropLevel / level;
        const backdropScale = change < 0 ? level / backdropLevel : 1;
        const dr = r * pixelScale - br * backdropScale;
        const dg = g * pixelScale - bg * backdropScale;
        const db = b * pixelScale - bb * backdropScale;
        const brightness = change >= 0 ? change : Math.max(0, -change - shadowAllowance * backdropLevel);
        mask[y * width + x] = dr * dr + dg * dg + db * db + brightness * brightness > squaredThreshold ? 255 : 0;
      }
    }
  });
  return mask;
}

/** Runs a libvips morphology step (erode or dilate) on a one-byte-per-pixel mask. */
async function morphology(mask: Uint8Array, width: number, height: number, steps: ('erode' | 'dilate')[], size: number): Promise<Uint8Array> {
  let pipeline = sharp(mask, { raw: { width, height, channels: 1 } });
  for (const step of steps) pipeline = step === 'erode' ? pipeline.erode(size) : pipeline.dilate(size);
  const { data, info } = await pipeline.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) throw new Error('morphology changed the mask size');
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * Cuts the subject out of a studio photo (decoded, upright, sRGB) whose backdrop reaches the edges:
 * fits the backdrop (flat or graded) to the border, thresholds each pixel's colour distance from it,
 * cleans the mask (an opening drops specks, a closing mends notches, small regions go and small holes
 * fill) and feathers its edge. Returns the alpha, one byte per pixel (255 subject, 0 backdrop).
 */
export async function cutBackdrop(image: RawImage, options: BackdropCutOptions = {}): Promise<Buffer> {
  const { width, height } = image;
  let mask = await subjectByBackdropDistance(image, options.threshold ?? 20, options.shadowAllowance ?? 0.25);
  const longer = Math.max(width, height);
  const radius = Math.max(3, 2 * Math.round(longer / 800) + 1);
  mask = await morphology(mask, width, height, ['erode', 'dilate', 'dilate', 'erode'], radius);
  await keepMainComponents(mask, width, height, MIN_COMPONENT_SHARE);
  await fillSmallHoles(mask, width, height, MAX_HOLE_SHARE);
  const feather = Math.max(0.6, options.feather ?? longer / 1000);
  return sharp(mask, { raw: { width, height, channels: 1 } }).blur(feather).extractChannel(0).raw().toBuffer();
}
