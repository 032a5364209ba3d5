import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../measure/raw-image';
import { type RemoveBackground, StepClock, StudioInputError } from '../pipeline/studio-pipeline';
import { type ProductFixture, renderProductFixture } from '../testing/fixtures';
import { placeOnBackground, renderBackdrop } from './backdrops';

const pixelAt = (image: RawImage, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * image.channels, (y * image.width + x) * image.channels + 3));

const brightness = (image: RawImage, x: number, y: number) => pixelAt(image, x, y).reduce((sum, value) => sum + value, 0) / 3;

async function rawOf(image: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** A background remover that answers the fixture's true mask (the cut itself is tested in background/). */
const trueMask =
  (fixture: ProductFixture): RemoveBackground =>
  async () => ({ alpha: Buffer.from(fixture.mask), width: fixture.width, height: fixture.height, mode: 'backdrop' });

describe('renderBackdrop', () => {
  it('fills a plain backdrop with the colour, light grey by default', async () => {
    const plain = await renderBackdrop('plain', 30, 20, '#336699');
    expect([plain.width, plain.height, plain.channels]).toEqual([30, 20, 3]);
    for (let pixel = 0; pixel < 600; pixel++) expect(pixelAt(plain, pixel % 30, Math.floor(pixel / 30))).toEqual([0x33, 0x66, 0x99]);
    expect(pixelAt(await renderBackdrop('plain', 4, 4), 2, 2)).toEqual([0xee, 0xee, 0xee]);
  });

  it('fades a gradient from a lighter tint at the top to a darker shade at the bottom', async () => {
    const gradient = await renderBackdrop('gradient', 40, 100, '#4080c0');
    for (let y = 1; y < 100; y++) expect(brightness(gradient, 20, y)).toBeLessThanOrEqual(brightness(gradient, 20, y - 1));
    expect(brightness(gradient, 0, 0) - brightness(gradient, 0, 99)).toBeGreaterThan(60);
    const [r, g, b] = pixelAt(gradient, 20, 50);
    expect(b > g && g > r).toBe(true);
  });

  it('draws a studio sweep lit on the floor and darker at the top corners, at any size', async () => {
    const sweep = await renderBackdrop('studio-sweep', 600, 400);
    expect([sweep.width, sweep.height, sweep.channels]).toEqual([600, 400, 3]);
    expect(brightness(sweep, 300, 330)).toBeGreaterThan(brightness(sweep, 5, 5) + 15);
    expect(brightness(sweep, 300, 330)).toBeGreaterThan(brightness(sweep, 300, 150));
  });

  it('refuses a colour not written #rrggbb and a size of no pixels', async () => {
    await expect(renderBackdrop('plain', 10, 10, '#abc')).rejects.toThrow(/#rrggbb/);
    await expect(renderBackdrop('gradient', 0, 10)).rejects.toThrow(/whole pixels/);
  });
});

describe('placeOnBackground', () => {
  let fixture: ProductFixture;

  beforeAll(async () => {
    fixture = await renderProductFixture({ object: 'bottle', backdrop: 'texture', width: 256, height: 256 });
  });

  it('places the product bottom-centred inside the margin on the background, with a contact shadow, at the size asked', async () => {
    const clock = new StepClock();
    const background = await renderBackdrop('plain', 50, 50, '#c03020');
    const output = await placeOnBackground(
      fixture.image,
      background,
      { width: 300, height: 200, margin: 0.1, format: 'png' },
      { removeBackground: trueMask(fixture), clock, pixelLimit: 1_000_000 },
    );
    expect(clock.steps.map((step) => step.name)).toEqual(['decode', 'removeBackground', 'background', 'composite', 'shadow', 'encode']);
    expect([output.width, output.height, output.format]).toEqual([300, 200, 'png']);
    const result = await rawOf(output.data);
    expect(result.channels).toBe(3);
    // The background shows all around the product.
    for (const [x, y] of [[0, 0], [299, 0], [0, 199], [299, 199], [10, 100], [290, 100], [150, 5]]) {
      expect(pixelAt(result, x, y)).toEqual([0xc0, 0x30, 0x20]);
    }
    // The bottle (teal under a dark cap) fills the height inside the margin, rows 20 to 180, centred.
    const teal = (x: number, y: number) => {
      const [r, g, b] = pixelAt(result, x, y);
      return g > r + 20 && b > r + 20;
    };
    const showsBackground = (x: number, y: number) => pixelAt(result, x, y).every((value, c) => value === [0xc0, 0x30, 0x20][c]);
    expect(teal(150, 100)).toBe(true);
    expect(showsBackground(150, 22)).toBe(false);
    expect(showsBackground(150, 17)).toBe(true);
    expect(teal(150, 177)).toBe(true);
    expect(teal(150, 183)).toBe(false);
    expect(teal(120, 100) && teal(180, 100)).toBe(true);
    // The contact shadow darkens the background just under the base.
    expect(brightness(result, 150, 182)).toBeLessThan(brightness(result, 150, 195) - 10);
  });

  it('covers the canvas with an encoded background of another shape', async () => {
    const wide = await sharp({ create: { width: 400, height: 100, channels: 3, background: '#1040a0' } }).jpeg().toBuffer();
    const output = await placeOnBackground(
      fixture.image,
      wide,
      { width: 120, height: 160, margin: 0.05, format: 'webp' },
      { removeBackground: trueMask(fixture), clock: new StepClock(), pixelLimit: 1_000_000 },
    );
    expect([output.width, output.height, output.format]).toEqual([120, 160, 'webp']);
    const [r, g, b] = pixelAt(await rawOf(output.data), 2, 2);
    expect(b).toBeGreaterThan(140);
    expect(r).toBeLessThan(40);
    expect(g).toBeLessThan(90);
  });

  it('refuses an image without a subject, a margin of half the canvas and a background above the pixel limit', async () => {
    const options = { width: 100, height: 100, margin: 0.1, format: 'jpeg' } as const;
    const deps = { removeBackground: trueMask(fixture), clock: new StepClock(), pixelLimit: 1_000_000 };
    const background = await renderBackdrop('plain', 10, 10);
    const nothing: RemoveBackground = async () => ({ alpha: Buffer.alloc(256 * 256), width: 256, height: 256, mode: 'backdrop' });
    await expect(placeOnBackground(fixture.image, background, options, { ...deps, removeBackground: nothing })).rejects.toBeInstanceOf(StudioInputError);
    await expect(placeOnBackground(fixture.image, background, { ...options, margin: 0.5 }, deps)).rejects.toThrow(/margin/);
    const huge = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#ffffff' } }).png().toBuffer();
    await expect(placeOnBackground(fixture.image, huge, options, deps)).rejects.toThrow(/pixel limit/i);
  });
});
