import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeSource } from './source-image';

const picture = () => sharp({ create: { width: 96, height: 96, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });

describe('decodeSource', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['avif', 'image/avif'],
  ] as const)('takes a whole %s image', async (format, mimeType) => {
    expect(await decodeSource(await picture()[format]().toBuffer(), 0)).toBe(mimeType);
  });

  it.each(['gif', 'tiff'] as const)('refuses %s, which the docs do not promise', async (format) => {
    await expect(decodeSource(await picture()[format]().toBuffer(), 1)).rejects.toMatchObject({
      code: 'unprocessable_image', status: 422, details: { index: 1 }, message: `images[1] is a ${format.toUpperCase()} image; send PNG, JPEG, WebP or AVIF`,
    });
  });

  it('refuses SVG', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="red"/></svg>');
    await expect(decodeSource(svg, 0)).rejects.toMatchObject({ code: 'unprocessable_image', message: expect.stringContaining('SVG') });
  });

  it.each(['png', 'jpeg', 'webp', 'avif'] as const)('refuses a %s cut short, whose header alone reads fine', async (format) => {
    const whole = await picture()[format]().toBuffer();
    await expect(decodeSource(whole.subarray(0, Math.floor(whole.length * 0.6)), 0)).rejects.toMatchObject({ code: 'unprocessable_image', status: 422 });
  });

  it('refuses bytes that are no image, and images over 40 megapixels', async () => {
    await expect(decodeSource(Buffer.from('hello, not an image'), 0)).rejects.toMatchObject({ code: 'unprocessable_image', message: expect.stringContaining('not an image') });
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#000' } }).png({ compressionLevel: 1 }).toBuffer();
    await expect(decodeSource(huge, 0)).rejects.toMatchObject({ code: 'unprocessable_image', message: 'images[0] is 8000x6000, over 40 megapixels' });
  });
});
