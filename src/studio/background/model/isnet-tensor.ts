import sharp from 'sharp';
import type { RawImage } from '../../measure/raw-image';

/** ISNet takes a square 1024x1024 RGB image (stretched, not letterboxed) and returns a saliency map of the same size. */
export const ISNET_INPUT_SIZE = 1024;
export const ISNET_INPUT_NAME = 'input';
export const ISNET_OUTPUT_NAME = 'output';

/** The model's saliency (0..255 after scaling) below which a pixel is background and above which it is subject; between, a feathered edge. */
const BACKGROUND_BELOW = 40;
const SUBJECT_ABOVE = 215;

/** The image stretched to the model's square input, 3 bytes per pixel: resized in sharp (off the event loop), bilinear as the package feeds it. */
export async function toIsnetPixels(image: RawImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 } })
    .removeAlpha()
    .toColourspace('srgb')
    .resize(ISNET_INPUT_SIZE, ISNET_INPUT_SIZE, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
}

/** The input tensor's data, 1x3xSxS float32 planes (R, G, B), each level mapped to (level - 128) / 256 as the model was trained. */
export function isnetInput(pixels: Uint8Array): Float32Array {
  const plane = ISNET_INPUT_SIZE * ISNET_INPUT_SIZE;
  const input = new Float32Array(3 * plane);
  for (let pixel = 0; pixel < plane; pixel++) {
    input[pixel] = (pixels[pixel * 3] - 128) / 256;
    input[plane + pixel] = (pixels[pixel * 3 + 1] - 128) / 256;
    input[2 * plane + pixel] = (pixels[pixel * 3 + 2] - 128) / 256;
  }
  return input;
}

/** The model's saliency (0..1 per pixel) as levels, one byte per pixel. */
export function saliencyLevels(saliency: Float32Array): Uint8Array {
  const levels = new Uint8Array(saliency.length);
  for (let i = 0; i < saliency.length; i++) levels[i] = Math.max(0, Math.min(255, Math.round(saliency[i] * 255)));
  return levels;
}

/**
 * The model's SxS saliency levels as the alpha of a `width` x `height` image: scaled back with sharp,
 * then the faint haze cut to 0 and the near-certain subject raised to 255, leaving a thin feathered edge.
 */
export async function alphaFromSaliency(levels: Uint8Array, width: number, height: number): Promise<Buffer> {
  const slope = 255 / (SUBJECT_ABOVE - BACKGROUND_BELOW);
  return sharp(levels, { raw: { width: ISNET_INPUT_SIZE, height: ISNET_INPUT_SIZE, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .linear(slope, -BACKGROUND_BELOW * slope)
    .extractChannel(0)
    .raw()
    .toBuffer();
}
