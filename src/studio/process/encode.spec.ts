import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readFileFacts } from '../measure/file-facts';
import { decodeRaw, type RawImage } from '../measure/raw-image';
import { StudioInputError } from '../pipeline/studio-pipeline';
import { renderProductFixture } from '../testing/fixtures';
import { encodeImage } from './encode';

const textured = async (): Promise<RawImage> => decodeRaw((await renderProductFixture({ object: 'shoe', backdrop: 'texture', width: 320, height: 320, seed: 9 })).image);

describe('encodeImage', () => {
  it('writes each format without metadata', async () => {
    const image = await textured();
    for (const format of ['jpeg', 'png', 'webp', 'avif'] as const) {
      const encoded = await encodeImage(image, { format, jpegQuality: 90 });
      expect(encoded).toMatchObject({ format, width: 320, height: 320 });
      const metadata = await sharp(encoded.data).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
    }
  });

  it('drops an opaque alpha channel when asked', async () => {
    const rgba = await decodeRaw(await sharp((await renderProductFixture({ object: 'box', backdrop: 'grey', width: 100, height: 100 })).image).ensureAlpha().png().toBuffer());
    expect((await readFileFacts((await encodeImage(rgba, { format: 'png', jpegQuality: 90, opaque: true })).data)).alpha).toBe(false);
    expect((await readFileFacts((await encodeImage(rgba, { format: 'png', jpegQuality: 90 })).data)).alpha).toBe(true);
  });

  it('keeps the highest lossy quality that fits under maxBytes', async () => {
    const image = await textured();
    for (const format of ['jpeg', 'webp'] as const) {
      const full = await encodeImage(image, { format, jpegQuality: 90 });
      const maxBytes = Math.floor(full.data.length * 0.6);
      const capped = await encodeImage(image, { format, jpegQuality: 90, maxBytes });
      expect(capped.data.length, format).toBeLessThanOrEqual(maxBytes);
      expect(capped.data.length, format).toBeGreaterThan(maxBytes * 0.7);
    }
  });

  it('quantises a PNG to a palette when the lossless file is too big', async () => {
    const image = await textured();
    const lossless = await encodeImage(image, { format: 'png', jpegQuality: 90 });
    const maxBytes = Math.floor(lossless.data.length / 2);
    const capped = await encodeImage(image, { format: 'png', jpegQuality: 90, maxBytes });
    expect(capped.data.length).toBeLessThanOrEqual(maxBytes);
    expect((await sharp(capped.data).metadata()).isPalette).toBe(true);
  });

  it('names the smallest size reached when nothing fits', async () => {
    const image = await textured();
    const png = encodeImage(image, { format: 'png', jpegQuality: 90, maxBytes: 100 });
    await expect(png).rejects.toBeInstanceOf(StudioInputError);
    await expect(png).rejects.toThrow(/as png in 100 bytes.*smallest file reached was \d+ bytes, with a 2-colour palette/);
    await expect(encodeImage(image, { format: 'webp', jpegQuality: 90, maxBytes: 100 })).rejects.toThrow(/at quality 1/);
  });
});
