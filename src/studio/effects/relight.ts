import type { RawImage } from '../measure/raw-image';
import type { EncodedImage, OutputFormat, RemoveBackground, StepClock } from '../pipeline/studio-pipeline';
import { backgroundColour, cutSubject, decodeSource, encodeRaw, rawPipeline, type StudioBackground, toRaw, withAlpha } from './image-io';
import { castShadow, type ShadowOptions } from './shadow';
import { inSlices, PIXELS_PER_SLICE } from './slices';

export interface RelightOptions {
  /** `auto` brings the subject's median luminance into a well-exposed range; a number is a fixed change in EV (-2..2). */
  exposure: 'auto' | 'none' | number;
  /** `auto` is a white-patch balance measured on the subject (or the whole image): its brightest part is taken for white. */
  whiteBalance: 'auto' | 'none';
}

/** The widest fixed exposure change, in EV either way. */
export const MAX_EXPOSURE_EV = 2;
/** The most `auto` exposure changes an image, in EV either way. */
const AUTO_EXPOSURE_LIMIT_EV = 1;
/** `auto` exposure leaves a subject whose median linear luminance is in this range alone, and otherwise brings it to the nearer end. */
const WELL_EXPOSED: [number, number] = [0.12, 0.6];
/** The most `auto` white balance scales one channel, either way. */
const MAX_CHANNEL_GAIN = 1.5;
/** Statistics read at most about this many pixels (every n-th one on a larger image). */
const SAMPLE_TARGET = 250_000;

const toLinear = new Float64Array(256).map((_, value) => {
  const unit = value / 255;
  return unit <= 0.04045 ? unit / 12.92 : ((unit + 0.055) / 1.055) ** 2.4;
});

function toByte(linear: number): number {
  const clamped = Math.min(1, Math.max(0, linear));
  const unit = clamped <= 0.0031308 ? clamped * 12.92 : 1.055 * clamped ** (1 / 2.4) - 0.055;
  return Math.round(unit * 255);
}

/** The share of the region's brightest pixels (not blown out) whose mean colour is taken for white. */
const WHITE_PATCH_SHARE = 0.02;
/** A pixel with every channel at or above this byte is blown out: its colour no longer tells the light's. */
const BLOWN_OUT = 250;

/**
 * Over the subject's pixels (all pixels without a mask or when it is empty), in linear light: the
 * mean colour of the brightest pixels not blown out (the white patch) and the median luminance.
 */
function measure(image: RawImage, mask: Buffer | null): { whitePatch: [number, number, number]; medianLuminance: number } {
  const { data, width, height, channels } = image;
  const pixels = width * height;
  const step = Math.max(1, Math.floor(pixels / SAMPLE_TARGET));
  const luminanceAt = (at: number) => 0.2126 * toLinear[data[at]] + 0.7152 * toLinear[data[at + 1]] + 0.0722 * toLinear[data[at + 2]];
  const blownOut = (at: number) => data[at] >= BLOWN_OUT && data[at + 1] >= BLOWN_OUT && data[at + 2] >= BLOWN_OUT;
  const luminances = new Float64Array(Math.ceil(pixels / step));
  const candidates = new Float64Array(luminances.length);
  let sampled = 0;
  let candidateCount = 0;
  for (let pixel = 0; pixel < pixels; pixel += step) {
    if (mask && mask[pixel] < 128) continue;
    const at = pixel * channels;
    luminances[sampled++] = luminanceAt(at);
    if (!blownOut(at)) candidates[candidateCount++] = luminances[sampled - 1];
  }
  if (mask && sampled === 0) return measure(image, null);
  const medianLuminance = sampled ? luminances.subarray(0, sampled).sort()[Math.floor(sampled / 2)] : 0;
  const whitePatch: [number, number, number] = [0, 0, 0];
  if (candidateCount === 0) return { whitePatch, medianLuminance };
  const threshold = candidates.subarray(0, candidateCount).sort()[candidateCount - Math.max(1, Math.round(candidateCount * WHITE_PATCH_SHARE))];
  let patchSize = 0;
  for (let pixel = 0; pixel < pixels; pixel += step) {
    const at = pixel * channels;
    if ((mask && mask[pixel] < 128) || blownOut(at) || luminanceAt(at) < threshold) continue;
    for (let c = 0; c < 3; c++) whitePatch[c] += toLinear[data[at + c]];
    patchSize++;
  }
  return { whitePatch: whitePatch.map((sum) => sum / patchSize) as [number, number, number], medianLuminance };
}

/**
 * White-patch gains: each channel scaled so the white patch comes out neutral (its channels meet at
 * their average), bounded by MAX_CHANNEL_GAIN. Unlike grey-world, a strongly coloured product keeps
 * its colour as long as its brightest part (a highlight, a label, a sole) is near white.
 */
function whitePatchGains(patch: [number, number, number]): [number, number, number] {
  const average = (patch[0] + patch[1] + patch[2]) / 3;
  const gain = (level: number) => (level <= 0 ? 1 : Math.min(MAX_CHANNEL_GAIN, Math.max(1 / MAX_CHANNEL_GAIN, average / level)));
  return [gain(patch[0]), gain(patch[1]), gain(patch[2])];
}

function autoExposureEv(medianLuminance: number): number {
  if (medianLuminance <= 0) return AUTO_EXPOSURE_LIMIT_EV;
  const [low, high] = WELL_EXPOSED;
  const target = Math.min(high, Math.max(low, medianLuminance));
  const ev = Math.log2(target / medianLuminance);
  return Math.min(AUTO_EXPOSURE_LIMIT_EV, Math.max(-AUTO_EXPOSURE_LIMIT_EV, ev));
}

/**
 * Procedural exposure and white-balance normalisation (not a relighting model): both are gains in
 * linear light, measured on the subject (`mask`, one byte per pixel) or the whole image, and applied
 * to every pixel through one lookup table per channel. Alpha, when there is one, is kept.
 */
export async function relight(image: RawImage, mask: Buffer | null, options: RelightOptions): Promise<RawImage> {
  if (image.channels !== 3 && image.channels !== 4) throw new Error(`relight needs 3 or 4 channels, got ${image.channels}`);
  if (mask && mask.length !== image.width * image.height) {
    throw new Error(`the mask has ${mask.length} pixels, the image ${image.width * image.height}`);
  }
  const { exposure, whiteBalance } = options;
  if (typeof exposure === 'number' && !(Math.abs(exposure) <= MAX_EXPOSURE_EV)) {
    throw new RangeError(`exposure must be auto, none or between -${MAX_EXPOSURE_EV} and ${MAX_EXPOSURE_EV} EV, got ${exposure}`);
  }
  const result: RawImage = { ...image, data: Buffer.from(image.data) };
  if (exposure === 'none' && whiteBalance === 'none') return result;

  const { whitePatch, medianLuminance } = measure(image, mask);
  const gains = whiteBalance === 'auto' ? whitePatchGains(whitePatch) : [1, 1, 1];
  const balancedLuminance = medianLuminance * (0.2126 * gains[0] + 0.7152 * gains[1] + 0.0722 * gains[2]);
  const ev = exposure === 'none' ? 0 : exposure === 'auto' ? autoExposureEv(balancedLuminance) : exposure;
  const tables = gains.map((gain) => Uint8Array.from(toLinear, (linear) => toByte(linear * gain * 2 ** ev)));

  const { data, channels } = result;
  await inSlices(image.width * image.height, PIXELS_PER_SLICE, (from, to) => {
    for (let at = from * channels; at < to * channels; at += channels) {
      data[at] = tables[0][data[at]];
      data[at + 1] = tables[1][data[at + 1]];
      data[at + 2] = tables[2][data[at + 2]];
    }
  });
  return result;
}

export interface ShadowAndRelightOptions {
  shadow: 'none' | ShadowOptions;
  relight: RelightOptions;
  background: StudioBackground;
  format: OutputFormat;
}

export interface ShadowAndRelightDeps {
  removeBackground: RemoveBackground;
  clock: StepClock;
  pixelLimit: number;
  signal?: AbortSignal;
}

/**
 * POST /relight/shadow: the subject cut out where it stands (cutSubject: a source that is already
 * transparent keeps its own alpha and skips the removal), its exposure and white balance normalised, a shadow cast under
 * it and the whole laid on the background, at the source's size. Skipped steps are not timed.
 */
export async function shadowAndRelight(source: Buffer, options: ShadowAndRelightOptions, deps: ShadowAndRelightDeps): Promise<EncodedImage> {
  const { clock, signal } = deps;
  const colour = backgroundColour(options.background);
  const decoded = await clock.time('decode', () => decodeSource(source, deps.pixelLimit));
  signal?.throwIfAborted();
  const { alpha } = await cutSubject(decoded, deps);
  signal?.throwIfAborted();
  const relit = await clock.time('relight', () => relight(decoded.image, alpha, options.relight));
  signal?.throwIfAborted();
  let canvas = await withAlpha(relit, alpha);
  const shadow = options.shadow;
  if (shadow !== 'none') canvas = await clock.time('shadow', () => castShadow(canvas, alpha, shadow));
  signal?.throwIfAborted();
  const composed = await clock.time('composite', () =>
    colour ? toRaw(rawPipeline(canvas).flatten({ background: { r: colour[0], g: colour[1], b: colour[2] } })) : canvas,
  );
  signal?.throwIfAborted();
  return clock.time('encode', () => encodeRaw(composed, options.format));
}
