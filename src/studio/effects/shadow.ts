import sharp from 'sharp';
import type { Box } from '../measure/subject';
import type { RawImage } from '../measure/raw-image';
import { inSlices, PIXELS_PER_SLICE } from './slices';

export const SHADOW_KINDS = ['contact', 'drop', 'reflection'] as const;
export type ShadowKind = (typeof SHADOW_KINDS)[number];

export interface ShadowOptions {
  kind: ShadowKind;
  /** Where the light comes from, in degrees clockwise from above: 0 above (default), 90 right, 270 left. */
  direction?: number;
  /** 0 (hard edge) to 1 (very soft). */
  softness?: number;
  /** 0 (no shadow) to 1 (black where it is densest). */
  opacity?: number;
}

const DEFAULT_SOFTNESS = 0.5;
const DEFAULT_OPACITY = 0.5;
/** An alpha at or above this makes a pixel part of the subject when its box is measured. */
const SUBJECT_ALPHA = 128;

/** A layer laid under the subject: its colour (3 bytes per pixel; null for black) and its strength (1 byte per pixel). */
interface UnderLayer {
  colour: Uint8Array | null;
  strength: Uint8Array;
}

/**
 * Composites a procedural shadow under a subject: `canvas` is RGBA (width x height x 4) holding the
 * subject already placed, `subjectAlpha` says where it is (one byte per canvas pixel). Returns a new
 * canvas; where the subject is opaque its pixels are unchanged, the shadow only shows around it.
 * contact: a soft dark ellipse flattened under the subject's base; drop: its silhouette blurred and
 * moved away from the light; reflection: the subject mirrored below its base, fading out.
 */
export async function castShadow(canvas: RawImage, subjectAlpha: Buffer, options: ShadowOptions): Promise<RawImage> {
  if (canvas.channels !== 4) throw new Error(`castShadow needs an RGBA canvas, got ${canvas.channels} channels`);
  if (subjectAlpha.length !== canvas.width * canvas.height) {
    throw new Error(`subject alpha has ${subjectAlpha.length} pixels, the canvas ${canvas.width * canvas.height}`);
  }
  const softness = unitOption('softness', options.softness ?? DEFAULT_SOFTNESS);
  const opacity = unitOption('opacity', options.opacity ?? DEFAULT_OPACITY);
  const direction = options.direction ?? 0;
  if (!Number.isFinite(direction)) throw new RangeError(`shadow direction must be a number of degrees, got ${direction}`);
  const box = alphaBox(subjectAlpha, canvas.width, canvas.height);
  const result = { ...canvas, data: Buffer.from(canvas.data) };
  if (!box || opacity === 0) return result;
  const layer =
    options.kind === 'contact'
      ? await contactLayer(canvas, subjectAlpha, box, { direction, softness, opacity })
      : options.kind === 'drop'
        ? await dropLayer(canvas, subjectAlpha, box, { direction, softness, opacity })
        : await reflectionLayer(canvas, subjectAlpha, box, { softness, opacity });
  await layUnder(result, subjectAlpha, layer);
  return result;
}

function unitOption(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`shadow ${name} must be between 0 and 1, got ${value}`);
  return value;
}

/** The box of the pixels whose alpha reaches SUBJECT_ALPHA, or null when there are none. */
export function alphaBox(alpha: Uint8Array, width: number, height: number): Box | null {
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (alpha[row + x] < SUBJECT_ALPHA) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Gaussian blur of a layer (1 or 3 bytes per pixel) on libvips's thread pool (sigma below 0.3 is no blur). */
async function blurPlane(plane: Uint8Array, width: number, height: number, channels: number, sigma: number): Promise<Uint8Array> {
  if (sigma < 0.3) return plane;
  let pipeline = sharp(plane, { raw: { width, height, channels: channels as 1 | 3 } }).blur(sigma);
  // libvips reads one band as grey and writes it back as three: keep the one.
  if (channels === 1) pipeline = pipeline.extractChannel(0);
  const { data } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** The light's direction as the way a shadow falls, in image coordinates (y down): light from above casts down. */
function awayFromLight(direction: number): { dx: number; dy: number } {
  const radians = (direction * Math.PI) / 180;
  return { dx: -Math.sin(radians), dy: Math.cos(radians) };
}

/** The horizontal extent of the subject's lowest rows (its footprint), so a bottle's shadow matches its base and not its shoulders. */
function footprint(alpha: Uint8Array, width: number, box: Box): { left: number; right: number } {
  const rows = Math.max(1, Math.round(box.height * 0.1));
  let left = box.left + box.width;
  let right = box.left - 1;
  for (let y = box.top + box.height - rows; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      if (alpha[y * width + x] < SUBJECT_ALPHA) continue;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  return { left, right };
}

async function contactLayer(
  canvas: RawImage,
  subjectAlpha: Buffer,
  box: Box,
  options: { direction: number; softness: number; opacity: number },
): Promise<UnderLayer> {
  const { width, height } = canvas;
  const base = footprint(subjectAlpha, width, box);
  const radiusX = Math.max(2, ((base.right - base.left + 1) / 2) * 1.08);
  const radiusY = Math.max(1.5, radiusX * 0.08);
  // A light from the side pushes the pool of shadow a little the other way.
  const centreX = (base.left + base.right) / 2 + awayFromLight(options.direction).dx * radiusX * 0.2;
  const centreY = box.top + box.height - 1 + radiusY * 0.25;
  const strength = new Uint8Array(width * height);
  const peak = Math.round(255 * options.opacity);
  const top = Math.max(0, Math.floor(centreY - radiusY));
  const bottom = Math.min(height - 1, Math.ceil(centreY + radiusY));
  for (let y = top; y <= bottom; y++) {
    const v = (y - centreY) / radiusY;
    const halfWidth = radiusX * Math.sqrt(Math.max(0, 1 - v * v));
    const from = Math.max(0, Math.ceil(centreX - halfWidth));
    const to = Math.min(width - 1, Math.floor(centreX + halfWidth));
    for (let x = from; x <= to; x++) {
      // Densest at the centre of the footprint, lighter toward its ends.
      const u = (x - centreX) / radiusX;
      strength[y * width + x] = Math.round(peak * (1 - 0.5 * u * u));
    }
  }
  const sigma = radiusY * (0.25 + 1.1 * options.softness);
  return { colour: null, strength: await blurPlane(strength, width, height, 1, sigma) };
}

async function dropLayer(
  canvas: RawImage,
  subjectAlpha: Buffer,
  box: Box,
  options: { direction: number; softness: number; opacity: number },
): Promise<UnderLayer> {
  const { width, height } = canvas;
  const size = Math.max(box.width, box.height);
  const away = awayFromLight(options.direction);
  const distance = Math.max(2, size * 0.04);
  const shiftX = Math.round(away.dx * distance);
  const shiftY = Math.round(away.dy * distance);
  if (Math.abs(shiftX) >= width || Math.abs(shiftY) >= height) return { colour: null, strength: new Uint8Array(width * height) };
  // The silhouette moved on libvips's thread pool: cropped on the side it leaves, padded on the side it goes.
  const moved = await sharp(subjectAlpha, { raw: { width, height, channels: 1 } })
    .extract({ left: Math.max(0, -shiftX), top: Math.max(0, -shiftY), width: width - Math.abs(shiftX), height: height - Math.abs(shiftY) })
    .extend({ left: Math.max(0, shiftX), right: Math.max(0, -shiftX), top: Math.max(0, shiftY), bottom: Math.max(0, -shiftY), background: '#000000' })
    .linear(options.opacity, 0)
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { colour: null, strength: await blurPlane(moved, width, height, 1, Math.max(0.5, size * 0.04 * options.softness)) };
}

async function reflectionLayer(canvas: RawImage, subjectAlpha: Buffer, box: Box, options: { softness: number; opacity: number }): Promise<UnderLayer> {
  const { width, height, data } = canvas;
  const base = box.top + box.height - 1;
  const fadeLength = Math.max(1, box.height * 0.35);
  const colour = new Uint8Array(width * height * 3);
  const strength = new Uint8Array(width * height);
  // The rows below the base that the reflection reaches: no further than the fade, the canvas or the subject's height.
  const rows = Math.max(0, Math.min(Math.ceil(fadeLength), height - base - 1, box.height));
  await inSlices(rows, PIXELS_PER_SLICE / width, (first, last) => {
    for (let row = first; row < last; row++) {
      const y = base + 1 + row;
      const source = base - row;
      const fade = Math.max(0, options.opacity * (1 - (row + 1) / fadeLength));
      for (let x = 0; x < width; x++) {
        const from = source * width + x;
        const to = y * width + x;
        colour[to * 3] = data[from * 4];
        colour[to * 3 + 1] = data[from * 4 + 1];
        colour[to * 3 + 2] = data[from * 4 + 2];
        strength[to] = Math.round(subjectAlpha[from] * fade);
      }
    }
  });
  const sigma = box.height * 0.01 * options.softness;
  const [blurredColour, blurredStrength] = await Promise.all([
    blurPlane(colour, width, height, 3, sigma),
    blurPlane(strength, width, height, 1, sigma),
  ]);
  return { colour: blurredColour, strength: blurredStrength };
}

/**
 * Lays `layer` under the subject: the layer goes over the canvas (Porter-Duff over, so it also shows
 * on a transparent canvas) with its strength scaled by how little of the subject covers each pixel.
 */
async function layUnder(canvas: RawImage, subjectAlpha: Buffer, layer: UnderLayer): Promise<void> {
  const { data } = canvas;
  await inSlices(subjectAlpha.length, PIXELS_PER_SLICE, (first, last) => {
    for (let pixel = first; pixel < last; pixel++) {
      const strength = (layer.strength[pixel] / 255) * (1 - subjectAlpha[pixel] / 255);
      if (strength <= 0) continue;
      const at = pixel * 4;
      const below = data[at + 3] / 255;
      const alpha = strength + below * (1 - strength);
      for (let c = 0; c < 3; c++) {
        const top = layer.colour ? layer.colour[pixel * 3 + c] : 0;
        data[at + c] = Math.round((top * strength + data[at + c] * below * (1 - strength)) / alpha);
      }
      data[at + 3] = Math.round(alpha * 255);
    }
  });
}
