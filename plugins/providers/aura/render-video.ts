import sharp from 'sharp';
import type { VideoInput } from '../../../src/plugins';
import { paletteFor } from './palette';
import { seededRandom } from './random';
import { sceneSvg } from './scene';
import { applyStyle, fromRaw, toRaw } from './styles';

export const VIDEO_FPS = 10;
/** The image model's default style: the cinematic one's letterbox bars would drift with the camera. */
const AURA_VIDEO_STYLE = 'digital-art';
/** Decoding bombs stop here; the API bounds first frames earlier, this is the last line. */
const MAX_FRAME_PIXELS = 40_000_000;
/** How much larger than the frame the scene is drawn, so the camera has room to drift. */
const MARGIN = 0.12;

/**
 * A short clip of the image model's scene: drawn and styled once, a little larger than the frame,
 * or a first frame recoloured by it, then a camera drifts across it while the light swells and its hue turns a few degrees; the frames
 * are joined into an animated WebP. Same prompt, seed, size and length: the same bytes.
 */
export async function renderVideo(input: VideoInput, signal: AbortSignal): Promise<Buffer> {
  const { width, height } = input;
  const random = seededRandom('aura-video', input.prompt, input.negativePrompt ?? '', input.seed, width, height);
  const sceneWidth = Math.round(width * (1 + MARGIN));
  const sceneHeight = Math.round(height * (1 + MARGIN));
  const { colours } = paletteFor(input.prompt, input.negativePrompt, random);
  const svg = sceneSvg({ width: sceneWidth, height: sceneHeight, colours, random, solids: false });
  signal.throwIfAborted();
  const aura = await applyStyle(AURA_VIDEO_STYLE, await toRaw(sharp(Buffer.from(svg))), random);
  signal.throwIfAborted();
  // A first frame is the scene, taking the aura's colours in soft light, as an edit's source does.
  const scene = input.image
    ? await toRaw(sharp(input.image.data, { limitInputPixels: MAX_FRAME_PIXELS }).rotate().resize(sceneWidth, sceneHeight, { fit: 'cover' }).removeAlpha()
      .composite([{ input: aura.data, raw: { width: aura.width, height: aura.height, channels: 3 }, blend: 'soft-light' }]))
    : aura;
  // The drift's direction and the light's swing come from the seed too.
  const angle = random() * 2 * Math.PI;
  const hueSwing = 6 + random() * 10;
  const spareX = sceneWidth - width;
  const spareY = sceneHeight - height;
  const count = Math.max(2, Math.round(input.durationSeconds * VIDEO_FPS));
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    signal.throwIfAborted();
    const t = i / (count - 1);
    const left = Math.round(spareX / 2 + (Math.cos(angle) * (t - 0.5) * spareX));
    const top = Math.round(spareY / 2 + (Math.sin(angle) * (t - 0.5) * spareY));
    const light = Math.sin(t * Math.PI);
    const frame = fromRaw(scene).extract({ left, top, width, height }).modulate({ brightness: 0.92 + 0.16 * light, hue: Math.round(hueSwing * t) });
    frames.push(await frame.png({ compressionLevel: 0 }).toBuffer());
  }
  signal.throwIfAborted();
  return sharp(frames, { join: { animated: true } }).webp({ quality: 75, effort: 1, loop: 0, delay: new Array<number>(count).fill(1000 / VIDEO_FPS) }).toBuffer();
}
