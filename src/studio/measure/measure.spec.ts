import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderProductFixture } from '../testing/fixtures';
import { addedBorderWidth, backgroundUniformity, borderWhitePurity } from './border';
import { iccDescription, readFileFacts } from './file-facts';
import { decodeRaw } from './raw-image';
import { greyForSharpness, laplacianVariance } from './sharpness';
import { subjectBox, subjectFill } from './subject';

/** A white 400x300 canvas with a black 120x80 rectangle at (100, 50), optionally framed. */
async function whiteWithRectangle(background = '#ffffff'): Promise<Buffer> {
  const rectangle = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#000000' } }).png().toBuffer();
  return sharp({ create: { width: 400, height: 300, channels: 3, background } })
    .composite([{ input: rectangle, left: 100, top: 50 }])
    .png()
    .toBuffer();
}

const frame = (input: Buffer, size: number, colour: string) =>
  sharp(input).extend({ top: size, bottom: size, left: size, right: size, background: colour }).png().toBuffer();

describe('borderWhitePurity', () => {
  it('is 1 when the border is pure white and 0 on a grey backdrop', async () => {
    expect(borderWhitePurity(await decodeRaw(await whiteWithRectangle()))).toBe(1);
    const grey = await renderProductFixture({ object: 'box', backdrop: 'grey', width: 200, height: 200 });
    expect(borderWhitePurity(await decodeRaw(grey.image))).toBe(0);
  });

  it('counts near-white within the tolerance only', async () => {
    const nearWhite = await decodeRaw(await whiteWithRectangle('#fcfcfc'));
    expect(borderWhitePurity(nearWhite, { tolerance: 5 })).toBe(1);
    expect(borderWhitePurity(nearWhite, { tolerance: 2 })).toBe(0);
  });

  it('gives the share of white pixels in the ring', async () => {
    const halfGrey = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ffffff' } })
      .composite([{ input: { create: { width: 50, height: 100, channels: 3, background: '#808080' } }, left: 50, top: 0 }])
      .png()
      .toBuffer();
    expect(borderWhitePurity(await decodeRaw(halfGrey), { ringWidth: 1 })).toBeCloseTo(0.5, 1);
  });

  it('does not count transparent pixels as white', async () => {
    const clear = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } })
      .png()
      .toBuffer();
    expect(borderWhitePurity(await decodeRaw(clear))).toBe(0);
  });
});

describe('backgroundUniformity', () => {
  it('is 1 on a flat backdrop of any colour and low on a gradient or a texture', async () => {
    expect(backgroundUniformity(await decodeRaw(await whiteWithRectangle()))).toBe(1);
    const shares = [];
    for (const backdrop of ['grey', 'gradient', 'texture'] as const) {
      const fixture = await renderProductFixture({ object: 'bottle', backdrop, width: 300, height: 300 });
      shares.push(backgroundUniformity(await decodeRaw(fixture.image)));
    }
    expect(shares[0]).toBe(1);
    expect(shares[1]).toBeLessThan(0.6);
    expect(shares[2]).toBeLessThan(0.6);
  });

  it('gives the share of the ring within the tolerance of its median colour', async () => {
    const thirdDark = await sharp({ create: { width: 90, height: 90, channels: 3, background: '#dddddd' } })
      .composite([{ input: { create: { width: 30, height: 90, channels: 3, background: '#222222' } }, left: 60, top: 0 }])
      .png()
      .toBuffer();
    // A 1 px ring: 120 light and 60 dark pixels along the top and bottom, 88 light (left) and 88 dark (right) down the sides.
    expect(backgroundUniformity(await decodeRaw(thirdDark), { ringWidth: 1 })).toBeCloseTo(208 / 356, 5);
  });
});

describe('addedBorderWidth', () => {
  it('finds a 10 px black frame round a white product photo', async () => {
    expect(addedBorderWidth(await decodeRaw(await frame(await whiteWithRectangle(), 10, '#000000')))).toBe(10);
  });

  it('finds a frame round a photo whose backdrop is not uniform', async () => {
    const fixture = await renderProductFixture({ object: 'shoe', backdrop: 'texture', width: 300, height: 300 });
    expect(addedBorderWidth(await decodeRaw(await frame(fixture.image, 6, '#ffffff')))).toBe(6);
  });

  it('is 0 when the backdrop itself reaches the edges', async () => {
    expect(addedBorderWidth(await decodeRaw(await whiteWithRectangle()))).toBe(0);
    const fixture = await renderProductFixture({ object: 'bottle', backdrop: 'gradient', width: 300, height: 300 });
    expect(addedBorderWidth(await decodeRaw(fixture.image))).toBe(0);
  });
});

describe('subjectBox and subjectFill', () => {
  it('boxes the pixels that differ from the backdrop', async () => {
    const image = await decodeRaw(await whiteWithRectangle());
    const box = subjectBox(image);
    expect(box).toEqual({ left: 100, top: 50, width: 120, height: 80 });
    expect(subjectFill(box, image)).toBeCloseTo(0.3, 5);
  });

  it('boxes the pixels with alpha above 0 when there is alpha', async () => {
    const cutout = await sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } })
      .composite([{ input: { create: { width: 30, height: 60, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } }, left: 20, top: 10 }])
      .png()
      .toBuffer();
    const image = await decodeRaw(cutout);
    expect(subjectBox(image)).toEqual({ left: 20, top: 10, width: 30, height: 60 });
    expect(subjectFill(subjectBox(image), image)).toBeCloseTo(0.3, 5);
  });

  it('matches the true mask of a fixture on a grey backdrop', async () => {
    const fixture = await renderProductFixture({ object: 'bottle', backdrop: 'grey', width: 300, height: 300 });
    let top = fixture.height;
    let bottom = 0;
    fixture.mask.forEach((value, index) => {
      if (!value) return;
      top = Math.min(top, Math.floor(index / fixture.width));
      bottom = Math.max(bottom, Math.floor(index / fixture.width));
    });
    const box = subjectBox(await decodeRaw(fixture.image));
    expect(box?.top).toBe(top);
    expect(box && box.top + box.height - 1).toBe(bottom);
  });

  it('reads colours, not alpha, when every pixel is opaque', async () => {
    const opaque = await decodeRaw(await sharp(await whiteWithRectangle()).ensureAlpha().png().toBuffer());
    expect(opaque.channels).toBe(4);
    expect(subjectBox(opaque)).toEqual({ left: 100, top: 50, width: 120, height: 80 });
  });

  it('is null and fills 0 on a blank canvas', async () => {
    const blank = await decodeRaw(await sharp({ create: { width: 40, height: 40, channels: 3, background: '#ffffff' } }).png().toBuffer());
    expect(subjectBox(blank)).toBeNull();
    expect(subjectFill(null, blank)).toBe(0);
  });
});

describe('readFileFacts', () => {
  it('reads size, aspect ratio, bytes, format, colour space and alpha', async () => {
    const jpeg = await sharp(await whiteWithRectangle()).jpeg().toBuffer();
    expect(await readFileFacts(jpeg)).toEqual({
      width: 400,
      height: 300,
      aspectRatio: 400 / 300,
      bytes: jpeg.length,
      format: 'jpeg',
      heifCompression: null,
      space: 'srgb',
      iccProfile: null,
      colourSpace: 'srgb',
      alpha: false,
    });
    const png = await sharp(await whiteWithRectangle()).ensureAlpha().png().toBuffer();
    expect(await readFileFacts(png)).toMatchObject({ format: 'png', alpha: true });
  });

  it('tells an sRGB profile from a wide-gamut one and from CMYK', async () => {
    const source = sharp(await whiteWithRectangle());
    const tagged = await readFileFacts(await source.clone().withIccProfile('srgb').jpeg().toBuffer());
    expect(tagged.colourSpace).toBe('srgb');
    expect(tagged.iccProfile).toMatch(/srgb/i);
    const p3 = await readFileFacts(await source.clone().withIccProfile('p3').jpeg().toBuffer());
    expect(p3).toMatchObject({ colourSpace: 'rgb', iccProfile: expect.stringMatching(/P3/) });
    const cmyk = await readFileFacts(await source.clone().toColourspace('cmyk').jpeg().toBuffer());
    expect(cmyk).toMatchObject({ space: 'cmyk', colourSpace: 'cmyk' });
    const grey = await readFileFacts(await source.clone().toColourspace('b-w').jpeg().toBuffer());
    expect(grey).toMatchObject({ space: 'b-w', colourSpace: 'grey' });
  });

  it('reports the size as displayed, after the EXIF orientation', async () => {
    const rotated = await sharp(await whiteWithRectangle()).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await readFileFacts(rotated)).toMatchObject({ width: 300, height: 400, aspectRatio: 0.75 });
  });

  it('reads no description from a truncated ICC profile', () => {
    expect(iccDescription(Buffer.alloc(100))).toBe('');
  });
});

describe('laplacianVariance', () => {
  it('scores a blurred copy lower than the sharp one', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'texture', width: 600, height: 600 });
    const sharpScore = laplacianVariance(await greyForSharpness(fixture.image));
    const blurredScore = laplacianVariance(await greyForSharpness(await sharp(fixture.image).blur(3).png().toBuffer()));
    expect(blurredScore).toBeLessThan(sharpScore / 4);
  });

  it('is 0 on a flat image', async () => {
    const flat = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#777777' } }).png().toBuffer();
    expect(laplacianVariance(await greyForSharpness(flat))).toBe(0);
  });
});
