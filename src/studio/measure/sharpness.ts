import sharp from 'sharp';
import { DEFAULT_PIXEL_LIMIT, type RawImage } from './raw-image';

/** The side the grey copy is shrunk to, so the score compares images of any size on one scale. */
export const SHARPNESS_SIDE = 512;

/** A grey copy of the image, shrunk to fit SHARPNESS_SIDE, for `laplacianVariance`. */
export async function greyForSharpness(input: Buffer, pixelLimit = DEFAULT_PIXEL_LIMIT): Promise<RawImage> {
  const { data, info } = await sharp(input, { limitInputPixels: pixelLimit })
    .rotate()
    .resize(SHARPNESS_SIDE, SHARPNESS_SIDE, { fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/**
 * Sharpness: the variance of the 4-neighbour Laplacian over a one-channel image's inner pixels. Edges
 * in focus give strong second derivatives, so a blurred copy scores lower.
 */
export function laplacianVariance(grey: RawImage): number {
  const { data, width, height, channels } = grey;
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let squares = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = (y * width + x) * channels;
      const laplacian =
        data[at - channels] + data[at + channels] + data[at - width * channels] + data[at + width * channels] - 4 * data[at];
      sum += laplacian;
      squares += laplacian * laplacian;
    }
  }
  const count = (width - 2) * (height - 2);
  const mean = sum / count;
  return squares / count - mean * mean;
}
