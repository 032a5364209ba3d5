import sharp from 'sharp';

/** Decoded pixels, row by row, `channels` bytes per pixel (3 = RGB, 4 = RGBA, 1 = grey). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Refuses images above this many pixels before decoding them (a decompression bomb stops here). */
export const DEFAULT_PIXEL_LIMIT = 50_000_000;

/**
 * Decodes an image to 8-bit sRGB pixels, turned upright by its EXIF orientation, keeping alpha when
 * the file has it. `maxSide` shrinks it first (measurements that do not need every pixel).
 */
export async function decodeRaw(input: Buffer, options: { maxSide?: number; pixelLimit?: number } = {}): Promise<RawImage> {
  let pipeline = sharp(input, { limitInputPixels: options.pixelLimit ?? DEFAULT_PIXEL_LIMIT }).rotate().toColourspace('srgb');
  if (options.maxSide) pipeline = pipeline.resize(options.maxSide, options.maxSide, { fit: 'inside', withoutEnlargement: true });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Calls `visit` with the index (in pixels) of every pixel in the outer ring `ringWidth` pixels wide. */
export function forEachBorderPixel(image: RawImage, ringWidth: number, visit: (pixel: number) => void): void {
  const { width, height } = image;
  const ring = Math.max(1, Math.min(ringWidth, Math.floor(Math.min(width, height) / 2)));
  for (let y = 0; y < height; y++) {
    const inBand = y < ring || y >= height - ring;
    for (let x = 0; x < width; x++) {
      if (inBand || x < ring || x >= width - ring) visit(y * width + x);
    }
  }
}

/** The ring a border measurement reads by default: 1% of the shorter side, at least one pixel. */
export function defaultRingWidth(image: RawImage): number {
  return Math.max(1, Math.round(Math.min(image.width, image.height) * 0.01));
}
