import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { StepClock, StudioInputError } from '../pipeline/studio-pipeline';
import { backgroundColour, cutSubject, decodeSource, encodeRaw, parseHexColour, withAlpha } from './image-io';

/** A 4x2 image, left half red, right half blue, as raw RGBA with the alpha given. */
function halves(alpha: number): Buffer {
  const data = Buffer.alloc(4 * 2 * 4);
  for (let pixel = 0; pixel < 8; pixel++) data.set(pixel % 4 < 2 ? [255, 0, 0, alpha] : [0, 0, 255, alpha], pixel * 4);
  return data;
}

describe('decodeSource', () => {
  it('turns the image upright by its EXIF orientation and refuses more pixels than the limit', async () => {
    const sideways = await sharp(halves(255), { raw: { width: 4, height: 2, channels: 4 } }).removeAlpha().withMetadata({ orientation: 6 }).png().toBuffer();
    const { image, alpha } = await decodeSource(sideways, 100);
    expect([image.width, image.height, image.channels]).toEqual([2, 4, 3]);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(image.data.subarray(-3))).toEqual([0, 0, 255]);
    expect(alpha).toBeNull();
    await expect(decodeSource(sideways, 7)).rejects.toThrow(/pixel limit/i);
  });

  it('keeps the alpha of a cut-out apart, and none for a file whose alpha is full', async () => {
    const cutout = await sharp(halves(255).map((value, at) => (at % 4 === 3 && at % 16 >= 8 ? 0 : value)), { raw: { width: 4, height: 2, channels: 4 } })
      .png()
      .toBuffer();
    const decoded = await decodeSource(cutout, 100);
    expect(decoded.image.channels).toBe(3);
    expect(Array.from(decoded.alpha!)).toEqual([255, 255, 0, 0, 255, 255, 0, 0]);
    const opaque = await sharp(halves(255), { raw: { width: 4, height: 2, channels: 4 } }).png().toBuffer();
    expect((await decodeSource(opaque, 100)).alpha).toBeNull();
  });
});

describe('encodeRaw', () => {
  it('writes each studio format without metadata, flattening a transparent canvas onto white for jpeg', async () => {
    const image = { data: halves(0), width: 4, height: 2, channels: 4 };
    for (const format of ['jpeg', 'png', 'webp', 'avif'] as const) {
      const encoded = await encodeRaw(image, format);
      const metadata = await sharp(encoded.data).metadata();
      expect([encoded.format, encoded.width, encoded.height]).toEqual([format, 4, 2]);
      expect(metadata.exif).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
    }
    const jpeg = await sharp((await encodeRaw(image, 'jpeg')).data).raw().toBuffer();
    expect(Math.min(...jpeg)).toBeGreaterThan(245);
    const png = await encodeRaw(image, 'png', { opaque: true });
    expect((await sharp(png.data).metadata()).channels).toBe(3);
  });
});

describe('colours and alpha', () => {
  it('reads #rrggbb and the studio backgrounds, refusing anything else', () => {
    expect(parseHexColour('#FF8000')).toEqual([255, 128, 0]);
    expect(backgroundColour('white')).toEqual([255, 255, 255]);
    expect(backgroundColour('transparent')).toBeNull();
    expect(() => parseHexColour('orange')).toThrow(/#rrggbb/);
  });

  it('joins colour and alpha into RGBA', async () => {
    const joined = await withAlpha({ data: new Uint8Array([1, 2, 3, 4, 5, 6]), width: 2, height: 1, channels: 3 }, new Uint8Array([7, 8]));
    expect([joined.channels, ...joined.data]).toEqual([4, 1, 2, 3, 7, 4, 5, 6, 8]);
  });
});

describe('cutSubject', () => {
  const image = { data: new Uint8Array(4 * 2 * 3), width: 4, height: 2, channels: 3 };
  const alpha = Buffer.from([0, 255, 255, 0, 0, 255, 0, 0]);

  it("asks the remover, timing it, and gives the subject's box", async () => {
    const clock = new StepClock();
    const removeBackground = async () => ({ alpha, width: 4, height: 2, mode: 'backdrop' as const });
    const cut = await cutSubject({ image, alpha: null }, { removeBackground, clock });
    expect(cut).toEqual({ alpha, box: { left: 1, top: 0, width: 2, height: 2 } });
    expect(clock.steps.map((step) => step.name)).toEqual(['removeBackground']);
  });

  it("keeps a cut-out's own alpha without asking the remover", async () => {
    const clock = new StepClock();
    const removeBackground = async () => {
      throw new Error('not asked');
    };
    expect((await cutSubject({ image, alpha }, { removeBackground, clock })).alpha).toBe(alpha);
    expect(clock.steps).toEqual([]);
  });

  it('refuses a mask of another size and an image without a subject', async () => {
    const clock = new StepClock();
    const wrongSize = async () => ({ alpha, width: 2, height: 4, mode: 'model' as const });
    await expect(cutSubject({ image, alpha: null }, { removeBackground: wrongSize, clock })).rejects.toThrow(/2x4 mask for a 4x2 image/);
    const empty = async () => ({ alpha: Buffer.alloc(8), width: 4, height: 2, mode: 'model' as const });
    await expect(cutSubject({ image, alpha: null }, { removeBackground: empty, clock })).rejects.toBeInstanceOf(StudioInputError);
  });
});
