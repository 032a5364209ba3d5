import sharp from 'sharp';
import type { RawImage } from '../measure/raw-image';
import type { EncodedImage, OutputFormat, RemoveBackground, StepClock } from '../pipeline/studio-pipeline';
import { cutSubject, decodeSource, encodeRaw, parseHexColour, rawPipeline, toRaw, withAlpha } from './image-io';
import { castShadow } from './shadow';

export const BACKDROP_PRESETS = ['plain', 'gradient', 'studio-sweep'] as const;
export type BackdropPreset = (typeof BACKDROP_PRESETS)[number];

export const DEFAULT_BACKDROP_COLOUR = '#eeeeee';
/** The studio sweep is drawn at most this many pixels a side and resized up: it holds no detail, only slow shading. */
const SWEEP_SIDE = 128;

type Rgb = [number, number, number];

/** The colour brightened (factor above 1 mixes toward white) or darkened (below 1), per channel. */
function lit(colour: Rgb, factor: number): Rgb {
  return colour.map((value) => Math.round(factor >= 1 ? value + (255 - value) * Math.min(1, factor - 1) : value * Math.max(0, factor))) as Rgb;
}

/** The brightness factor of a paper sweep at (u, v) in unit coordinates: a wall curving into a floor, a pool of light on the floor, darker corners. */
function sweepLight(u: number, v: number): number {
  const horizon = 0.62;
  const curve = Math.min(1, Math.max(0, (v - horizon + 0.1) / 0.2));
  const floor = curve * curve * (3 - 2 * curve);
  const wall = 0.86 + 0.08 * Math.min(1, v / horizon);
  const pool = 1 + 0.14 * Math.exp(-(((u - 0.5) / 0.35) ** 2) - ((v - 0.82) / 0.25) ** 2);
  const vignette = 1 - 0.1 * ((2 * u - 1) ** 2 + (1 - v) ** 2 * 0.5);
  return (wall * (1 - floor) + pool * floor) * vignette;
}

function assertCanvasSize(width: number, height: number): void {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`a canvas's size must be whole pixels above 0, got ${width}x${height}`);
  }
}

/**
 * A procedural background of that preset in `colour` (default light grey), raw RGB: `plain` is the
 * colour flat, `gradient` fades from a lighter tint at the top to a darker shade at the bottom,
 * `studio-sweep` is a paper sweep (wall curving into floor, a pool of light, soft corners).
 */
export async function renderBackdrop(preset: BackdropPreset, width: number, height: number, colour: `#${string}` = DEFAULT_BACKDROP_COLOUR): Promise<RawImage> {
  if (!BACKDROP_PRESETS.includes(preset)) throw new RangeError(`the backdrop preset must be one of ${BACKDROP_PRESETS.join(', ')}, got "${preset}"`);
  assertCanvasSize(width, height);
  const rgb = parseHexColour(colour);
  if (preset === 'studio-sweep') return renderSweep(rgb, width, height);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const shade = preset === 'plain' ? rgb : lit(rgb, height === 1 ? 1 : 1.35 - (0.5 * y) / (height - 1));
    data.fill(Buffer.from(shade), y * width * 3, (y + 1) * width * 3);
  }
  return { data, width, height, channels: 3 };
}

async function renderSweep(colour: Rgb, width: number, height: number): Promise<RawImage> {
  const scale = Math.min(1, SWEEP_SIDE / Math.max(width, height));
  const smallWidth = Math.max(2, Math.round(width * scale));
  const smallHeight = Math.max(2, Math.round(height * scale));
  const small = Buffer.alloc(smallWidth * smallHeight * 3);
  for (let y = 0; y < smallHeight; y++) {
    for (let x = 0; x < smallWidth; x++) {
      small.set(lit(colour, sweepLight((x + 0.5) / smallWidth, (y + 0.5) / smallHeight)), (y * smallWidth + x) * 3);
    }
  }
  return toRaw(sharp(small, { raw: { width: smallWidth, height: smallHeight, channels: 3 } }).resize(width, height, { fit: 'fill', kernel: 'cubic' }));
}

export interface PlaceOnBackgroundOptions {
  width: number;
  height: number;
  /** The share of the canvas (0 to 0.49) kept clear on every side. */
  margin: number;
  format: OutputFormat;
}

export interface PlaceOnBackgroundDeps {
  removeBackground: RemoveBackground;
  clock: StepClock;
  pixelLimit: number;
  signal?: AbortSignal;
}

/** The background covering the canvas: resized to cover it and cropped at the centre, opaque RGBA (the shadow is cast on it). */
async function coverCanvas(background: RawImage | Buffer, width: number, height: number, pixelLimit: number): Promise<RawImage> {
  const pipeline = Buffer.isBuffer(background)
    ? sharp(background, { limitInputPixels: pixelLimit }).rotate().toColourspace('srgb')
    : rawPipeline(background);
  return toRaw(pipeline.flatten({ background: '#ffffff' }).resize(width, height, { fit: 'cover', position: 'centre' }).ensureAlpha());
}

/**
 * The product cut out (cutSubject: a transparent source keeps its own alpha) and placed on
 * `background` (raw RGB or an encoded image such as a provider's, resized and cropped to cover the
 * canvas), scaled to fit inside the margin, centred and standing on the bottom margin, with a contact
 * shadow under it.
 */
export async function placeOnBackground(
  source: Buffer,
  background: RawImage | Buffer,
  options: PlaceOnBackgroundOptions,
  deps: PlaceOnBackgroundDeps,
): Promise<EncodedImage> {
  const { width, height, margin } = options;
  assertCanvasSize(width, height);
  if (!(margin >= 0 && margin < 0.5)) throw new RangeError(`the margin must be from 0 to 0.49 of the canvas, got ${margin}`);
  const { clock, signal } = deps;
  const decoded = await clock.time('decode', () => decodeSource(source, deps.pixelLimit));
  signal?.throwIfAborted();
  const { alpha, box } = await cutSubject(decoded, deps);
  signal?.throwIfAborted();
  const backdrop = await clock.time('background', () => coverCanvas(background, width, height, deps.pixelLimit));
  signal?.throwIfAborted();
  const placed = await clock.time('composite', async () => {
    const scale = Math.min((width * (1 - 2 * margin)) / box.width, (height * (1 - 2 * margin)) / box.height);
    const subjectWidth = Math.max(1, Math.round(box.width * scale));
    const subjectHeight = Math.max(1, Math.round(box.height * scale));
    const left = Math.round((width - subjectWidth) / 2);
    const top = Math.round(height * (1 - margin)) - subjectHeight;
    const subject = await toRaw(
      rawPipeline(await withAlpha(decoded.image, alpha))
        .extract(box)
        .resize(subjectWidth, subjectHeight, { fit: 'fill', kernel: 'lanczos3' }),
    );
    const subjectRaw = { width: subjectWidth, height: subjectHeight, channels: 4 as const };
    const placeAlpha = async () => {
      const alone = await toRaw(rawPipeline(subject).extractChannel(3));
      // libvips reads one band as grey and writes three: keep the one.
      const extension = { left, top, right: width - left - subjectWidth, bottom: height - top - subjectHeight, background: '#000000' };
      return toRaw(rawPipeline(alone).extend(extension).extractChannel(0));
    };
    // The subject laid on the background, and its alpha where it now stands, for the shadow.
    const layer = { input: Buffer.from(subject.data.buffer, subject.data.byteOffset, subject.data.length), raw: subjectRaw, left, top };
    const [canvas, subjectAlpha] = await Promise.all([
      toRaw(rawPipeline(backdrop).composite([layer])),
      placeAlpha(),
    ]);
    return { canvas, subjectAlpha: Buffer.from(subjectAlpha.data.buffer, subjectAlpha.data.byteOffset, subjectAlpha.data.length) };
  });
  signal?.throwIfAborted();
  const shadowed = await clock.time('shadow', () => castShadow(placed.canvas, placed.subjectAlpha, { kind: 'contact' }));
  signal?.throwIfAborted();
  return clock.time('encode', () => encodeRaw(shadowed, options.format, { opaque: true }));
}
