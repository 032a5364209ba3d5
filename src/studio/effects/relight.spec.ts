import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../measure/raw-image';
import { type RemoveBackground, StepClock, StudioInputError } from '../pipeline/studio-pipeline';
import { type ProductFixture, renderProductFixture } from '../testing/fixtures';
import { relight, shadowAndRelight } from './relight';

const SIZE = 256;

async function rawOf(image: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function channelMeans(image: RawImage): number[] {
  const sums = [0, 0, 0];
  for (let at = 0; at < image.data.length; at += image.channels) for (let c = 0; c < 3; c++) sums[c] += image.data[at + c];
  return sums.map((sum) => sum / (image.width * image.height));
}

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

function medianGreenOnMask(image: RawImage, mask: Uint8Array): number {
  const values: number[] = [];
  for (let pixel = 0; pixel < mask.length; pixel++) if (mask[pixel] === 255) values.push(image.data[pixel * image.channels + 1]);
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** A background remover that answers the fixture's true mask (the cut itself is tested in background/). */
const trueMask =
  (fixture: ProductFixture): RemoveBackground =>
  async () => ({ alpha: Buffer.from(fixture.mask), width: fixture.width, height: fixture.height, mode: 'backdrop' });

describe('relight', () => {
  let fixture: ProductFixture;
  let photo: RawImage;

  beforeAll(async () => {
    fixture = await renderProductFixture({ object: 'bottle', backdrop: 'grey', width: SIZE, height: SIZE });
    photo = await rawOf(fixture.image);
  });

  it('is the identity with exposure and white balance both none', async () => {
    const result = await relight(photo, null, { exposure: 'none', whiteBalance: 'none' });
    expect(Buffer.from(result.data).equals(Buffer.from(photo.data))).toBe(true);
    expect(result.data).not.toBe(photo.data);
  });

  it('brings the channel means of a colour-cast photo closer', async () => {
    const cast = await rawOf(await sharp(fixture.image).linear([1.15, 1, 0.75], [0, 0, 0]).png().toBuffer());
    const result = await relight(cast, null, { exposure: 'none', whiteBalance: 'auto' });
    expect(spread(channelMeans(cast))).toBeGreaterThan(40);
    expect(spread(channelMeans(result))).toBeLessThan(spread(channelMeans(cast)) / 4);
    const emptyMask = await relight(cast, Buffer.alloc(SIZE * SIZE), { exposure: 'none', whiteBalance: 'auto' });
    expect(Buffer.from(emptyMask.data).equals(Buffer.from(result.data))).toBe(true);
  });

  it('neutralises the cast on a coloured product from its brightest part, keeping its colour', async () => {
    const shoe = await renderProductFixture({ object: 'shoe', backdrop: 'grey', width: SIZE, height: SIZE });
    const cast = await rawOf(await sharp(shoe.image).linear([1.1, 1, 0.7], [0, 0, 0]).png().toBuffer());
    const result = await relight(cast, Buffer.from(shoe.mask), { exposure: 'none', whiteBalance: 'auto' });
    // The sole (beige, the shoe's brightest part) comes back toward its own colour; the red upper stays red.
    const sole = Math.round(SIZE * 0.66) * SIZE + SIZE / 2;
    const upper = Math.round(SIZE * 0.5) * SIZE + Math.round(SIZE * 0.36);
    const original = await rawOf(shoe.image);
    const soleError = (image: RawImage) => spread([0, 1, 2].map((c) => image.data[sole * 3 + c] - original.data[sole * 3 + c]));
    expect(soleError(result)).toBeLessThan(soleError(cast) / 3);
    expect(result.data[upper * 3]).toBeGreaterThan(2.5 * result.data[upper * 3 + 1]);
  });

  it('brightens an underexposed subject, measured on its mask', async () => {
    const dark = await rawOf(await sharp(fixture.image).linear(0.4, 0).png().toBuffer());
    const result = await relight(dark, Buffer.from(fixture.mask), { exposure: 'auto', whiteBalance: 'none' });
    expect(medianGreenOnMask(result, fixture.mask)).toBeGreaterThan(medianGreenOnMask(dark, fixture.mask) * 1.4);
  });

  it('leaves a well-exposed subject alone in auto exposure', async () => {
    const result = await relight(photo, Buffer.from(fixture.mask), { exposure: 'auto', whiteBalance: 'none' });
    expect(Buffer.from(result.data).equals(Buffer.from(photo.data))).toBe(true);
  });

  it('applies a fixed exposure in linear light and keeps alpha', async () => {
    const grey: RawImage = { data: new Uint8Array([118, 118, 118, 77]), width: 1, height: 1, channels: 4 };
    const result = await relight(grey, null, { exposure: 1, whiteBalance: 'none' });
    // sRGB 118 is about 18% linear; one EV up is 36%, sRGB 162.
    expect(Array.from(result.data)).toEqual([162, 162, 162, 77]);
  });

  it('refuses an exposure outside -2..2 EV', async () => {
    await expect(relight(photo, null, { exposure: 3, whiteBalance: 'none' })).rejects.toThrow(RangeError);
  });
});

describe('shadowAndRelight', () => {
  let fixture: ProductFixture;

  beforeAll(async () => {
    fixture = await renderProductFixture({ object: 'box', backdrop: 'gradient', width: SIZE, height: SIZE });
  });

  it('keeps the subject where it stands on the new background, at the source size, timing each step', async () => {
    const clock = new StepClock();
    const output = await shadowAndRelight(
      fixture.image,
      { shadow: { kind: 'contact' }, relight: { exposure: 'auto', whiteBalance: 'auto' }, background: '#102030', format: 'png' },
      { removeBackground: trueMask(fixture), clock, pixelLimit: 1_000_000 },
    );
    expect(clock.steps.map((step) => step.name)).toEqual(['decode', 'removeBackground', 'relight', 'shadow', 'composite', 'encode']);
    expect([output.width, output.height, output.format]).toEqual([SIZE, SIZE, 'png']);
    const result = await rawOf(output.data);
    expect(Array.from(result.data.subarray(0, 3))).toEqual([16, 32, 48]);
    const centre = (SIZE / 2) * SIZE + Math.round(SIZE * 0.45);
    expect(fixture.mask[centre]).toBe(255);
    expect(result.data[centre * result.channels]).toBeGreaterThan(100);
  });

  it('leaves the background transparent and uses an already cut-out source as it is', async () => {
    const cutout = await sharp(fixture.image).joinChannel(Buffer.from(fixture.mask), { raw: { width: SIZE, height: SIZE, channels: 1 } }).png().toBuffer();
    const clock = new StepClock();
    const refuse: RemoveBackground = async () => {
      throw new Error('the source is already cut out');
    };
    const output = await shadowAndRelight(
      cutout,
      { shadow: 'none', relight: { exposure: 'none', whiteBalance: 'none' }, background: 'transparent', format: 'png' },
      { removeBackground: refuse, clock, pixelLimit: 1_000_000 },
    );
    expect(clock.steps.map((step) => step.name)).toEqual(['decode', 'relight', 'composite', 'encode']);
    const result = await rawOf(output.data);
    const original = await rawOf(cutout);
    expect(Buffer.from(result.data).equals(Buffer.from(original.data))).toBe(true);
  });

  it('refuses a source above the pixel limit, a bad colour, an aborted signal and an image without a subject', async () => {
    const options = { shadow: 'none', relight: { exposure: 'none', whiteBalance: 'none' }, background: 'white', format: 'jpeg' } as const;
    const deps = { removeBackground: trueMask(fixture), clock: new StepClock(), pixelLimit: 1_000_000 };
    await expect(shadowAndRelight(fixture.image, options, { ...deps, pixelLimit: SIZE * SIZE - 1 })).rejects.toThrow(/pixel limit/i);
    await expect(shadowAndRelight(fixture.image, { ...options, background: '#12345' }, deps)).rejects.toThrow(/#rrggbb/);
    await expect(shadowAndRelight(fixture.image, options, { ...deps, signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    const nothing: RemoveBackground = async () => ({ alpha: Buffer.alloc(SIZE * SIZE), width: SIZE, height: SIZE, mode: 'backdrop' });
    await expect(shadowAndRelight(fixture.image, options, { ...deps, removeBackground: nothing })).rejects.toBeInstanceOf(StudioInputError);
  });
});
