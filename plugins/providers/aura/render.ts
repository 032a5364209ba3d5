import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import type { ImageFormat, SourceImage } from '../../../src/plugins';
import { paletteFor } from './palette';
import { seededRandom } from './random';
import { sceneSvg } from './scene';
import { applyStyle, fromRaw, toRaw, type Pixels, type Style } from './styles';

export interface AuraRequest {
  prompt: string;
  negativePrompt?: string;
  style: Style;
  width: number;
  height: number;
  format: ImageFormat;
  seed: number;
}

/** Decoding bombs stop here; the API bounds sources earlier, this is the last line. */
const MAX_SOURCE_PIXELS = 40_000_000;

function encode(img: Sharp, format: ImageFormat): Promise<Buffer> {
  switch (format) {
    case 'png':
      return img.png({ compressionLevel: 6 }).toBuffer();
    case 'jpeg':
      return img.jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return img.webp({ quality: 90 }).toBuffer();
    case 'avif':
      return img.avif({ quality: 60, effort: 2 }).toBuffer();
  }
}

async function aura(req: AuraRequest, random: () => number): Promise<Pixels> {
  const { colours } = paletteFor(req.prompt, req.negativePrompt, random);
  const svg = sceneSvg({ width: req.width, height: req.height, colours, random, solids: req.style === '3d-render' });
  return toRaw(sharp(Buffer.from(svg)));
}

/**
 * One sharp step, given up as soon as `signal` aborts. sharp cannot stop an operation midway (the
 * SVG rasterisation of a 2048 px image takes seconds), so a step in flight finishes in the
 * background and its result is dropped; what matters is that the render rejects at once and starts
 * nothing more.
 */
function step<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  if (!signal) return work();
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    void work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Same prompt, seed, style, size and format: the same bytes, every time. */
export async function renderGeneration(req: AuraRequest, signal?: AbortSignal): Promise<Buffer> {
  const random = seededRandom('aura-generate', req.prompt, req.negativePrompt ?? '', req.style, req.seed, req.width, req.height);
  const scene = await step(signal, () => aura(req, random));
  const styled = await step(signal, () => applyStyle(req.style, scene, random));
  return step(signal, () => encode(fromRaw(styled), req.format));
}

/**
 * Blends the sources (two are mixed half and half), lays the prompt's aura over them in soft light
 * so they take its colours, then applies the style. With a mask, only its transparent area changes:
 * where it is opaque the first source's pixels are kept as they were.
 */
export async function renderEdit(req: AuraRequest, sources: SourceImage[], mask: SourceImage | undefined, signal?: AbortSignal): Promise<Buffer> {
  const digest = createHash('sha256');
  for (const s of sources) digest.update(s.data);
  const random = seededRandom('aura-edit', req.prompt, req.negativePrompt ?? '', req.style, req.seed, req.width, req.height, digest.digest('hex'));
  // The mask has the first source's size, so fitting both alike keeps them aligned.
  const fit = (s: SourceImage) => sharp(s.data, { limitInputPixels: MAX_SOURCE_PIXELS }).rotate().resize(req.width, req.height, { fit: 'cover' });
  const first = await step(signal, () => toRaw(fit(sources[0]).removeAlpha()));
  let base = first;
  if (sources[1]) {
    const second = await step(signal, () => fit(sources[1]).removeAlpha().ensureAlpha(0.5).png().toBuffer());
    base = await step(signal, () => toRaw(fromRaw(base).composite([{ input: second }])));
  }
  const glow = await step(signal, () => aura(req, random));
  const recoloured = await step(signal, () => toRaw(fromRaw(base).composite([{ input: glow.data, raw: { width: glow.width, height: glow.height, channels: 3 }, blend: 'soft-light' }])));
  let styled = await step(signal, () => applyStyle(req.style, recoloured, random));
  if (mask) {
    const kept = await step(signal, async () => fromRaw(first).joinChannel(await fit(mask).ensureAlpha().extractChannel(3).toColourspace('b-w').png().toBuffer()).png().toBuffer());
    styled = await step(signal, () => toRaw(fromRaw(styled).composite([{ input: kept }])));
  }
  return step(signal, () => encode(fromRaw(styled), req.format));
}
