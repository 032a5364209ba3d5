import sharp from 'sharp';

/**
 * The product photos a fake store serves, so a sync's compliance scan has real images to read:
 * `passing` meets every error rule of the shipped packs (600 x 600, white backdrop, the product
 * filling the frame), `failing` is small and grey (Amazon's minimum size and white background refuse
 * it; the Shopify and WooCommerce packs only warn), `broken` is not an image at all.
 */
export type FakeImageKind = 'passing' | 'failing' | 'broken';

export interface FakeImage {
  data: Buffer;
  mimeType: string;
  /** Without the dot, for the file name the store serves it under. */
  extension: string;
}

export type FakeImages = Record<FakeImageKind, FakeImage>;

let made: Promise<FakeImages> | null = null;

async function make(): Promise<FakeImages> {
  const product = (side: number, fill: string) =>
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}"><ellipse cx="${side / 2}" cy="${side / 2}" rx="${side * 0.45}" ry="${side * 0.3}" fill="${fill}"/></svg>`);
  const [passing, failing] = await Promise.all([
    sharp(product(600, '#2a6f8a')).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer(),
    sharp(product(200, '#555555')).flatten({ background: '#9a9a9a' }).png().toBuffer(),
  ]);
  return {
    passing: { data: passing, mimeType: 'image/jpeg', extension: 'jpg' },
    failing: { data: failing, mimeType: 'image/png', extension: 'png' },
    broken: { data: Buffer.from('this is not an image'), mimeType: 'image/jpeg', extension: 'jpg' },
  };
}

/** The three images, made once per process (a few milliseconds) and shared by every fake and product. */
export function fakeImages(): Promise<FakeImages> {
  made ??= make();
  return made;
}
