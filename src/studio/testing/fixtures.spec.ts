import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { maskIoU, renderProductFixture } from './fixtures';

describe('renderProductFixture', () => {
  it('draws the same image for the same seed and another for another seed', async () => {
    const options = { object: 'shoe', backdrop: 'texture', width: 120, height: 100 } as const;
    const first = await renderProductFixture({ ...options, seed: 7 });
    expect((await renderProductFixture({ ...options, seed: 7 })).image.equals(first.image)).toBe(true);
    expect((await renderProductFixture({ ...options, seed: 8 })).image.equals(first.image)).toBe(false);
  });

  it('returns a PNG of the chosen size with a 0/255 mask of the object', async () => {
    const fixture = await renderProductFixture({ object: 'bottle', backdrop: 'grey', width: 200, height: 150 });
    expect(await sharp(fixture.image).metadata()).toMatchObject({ format: 'png', width: 200, height: 150 });
    expect(fixture.mask).toHaveLength(200 * 150);
    const covered = fixture.mask.filter((value) => value === 255).length;
    expect(fixture.mask.every((value) => value === 0 || value === 255)).toBe(true);
    expect(covered / fixture.mask.length).toBeGreaterThan(0.05);
    expect(covered / fixture.mask.length).toBeLessThan(0.5);
  });

  it('darkens the backdrop under the object with the shadow but leaves it out of the mask', async () => {
    const options = { object: 'box', backdrop: 'gradient', width: 160, height: 160 } as const;
    const plain = await renderProductFixture(options);
    const shadowed = await renderProductFixture({ ...options, shadow: true });
    expect(shadowed.mask).toEqual(plain.mask);
    const below = (await sharp(plain.image).raw().toBuffer())[(130 * 160 + 80) * 3];
    const belowShadowed = (await sharp(shadowed.image).raw().toBuffer())[(130 * 160 + 80) * 3];
    expect(plain.mask[130 * 160 + 80]).toBe(0);
    expect(belowShadowed).toBeLessThan(below - 20);
  });
});

describe('maskIoU', () => {
  it('is 1 for equal masks, 0 for disjoint ones and the overlap share otherwise', () => {
    expect(maskIoU(Uint8Array.from([255, 0, 255]), Uint8Array.from([255, 0, 255]))).toBe(1);
    expect(maskIoU(Uint8Array.from([255, 0]), Uint8Array.from([0, 255]))).toBe(0);
    expect(maskIoU(Uint8Array.from([255, 255, 0]), Uint8Array.from([255, 0, 255]))).toBeCloseTo(1 / 3, 5);
    expect(() => maskIoU(new Uint8Array(2), new Uint8Array(3))).toThrow(/differ in size/);
  });
});
