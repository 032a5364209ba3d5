import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type FixtureBackdrop, type FixtureObject, maskIoU, renderProductFixture } from '../testing/fixtures';
import { removeBackdrop } from './backdrop';

const OBJECTS: FixtureObject[] = ['bottle', 'shoe', 'box'];
const STUDIO_BACKDROPS: FixtureBackdrop[] = ['grey', 'gradient'];

describe('removeBackdrop', () => {
  for (const backdrop of STUDIO_BACKDROPS) {
    for (const shadow of [false, true]) {
      it(`cuts each object from a ${backdrop} backdrop ${shadow ? 'with' : 'without'} a shadow at IoU >= 0.95`, async () => {
        for (const object of OBJECTS) {
          const fixture = await renderProductFixture({ object, backdrop, shadow, width: 480, height: 480, seed: 3 });
          const cut = await removeBackdrop(fixture.image);
          expect(maskIoU(cut.alpha, fixture.mask), object).toBeGreaterThanOrEqual(0.95);
        }
      });
    }
  }

  it('leaves the faint part of the shadow out of the subject', async () => {
    const options = { object: 'shoe', backdrop: 'grey', width: 400, height: 400 } as const;
    const plain = await sharp((await renderProductFixture(options)).image).raw().toBuffer();
    const fixture = await renderProductFixture({ ...options, shadow: true });
    const shadowed = await sharp(fixture.image).raw().toBuffer();
    const { alpha } = await removeBackdrop(fixture.image);
    let faint = 0;
    let kept = 0;
    for (let pixel = 0; pixel < fixture.mask.length; pixel++) {
      const darkening = 1 - shadowed[pixel * 3] / plain[pixel * 3];
      if (fixture.mask[pixel] !== 0 || darkening < 0.03 || darkening > 0.25) continue;
      faint++;
      if (alpha[pixel] >= 128) kept++;
    }
    expect(faint).toBeGreaterThan(1000);
    expect(kept).toBe(0);
  });

  it('keeps the shadow out only thanks to the shadow allowance', async () => {
    const fixture = await renderProductFixture({ object: 'shoe', backdrop: 'grey', shadow: true, width: 400, height: 400 });
    const withAllowance = maskIoU((await removeBackdrop(fixture.image)).alpha, fixture.mask);
    const without = maskIoU((await removeBackdrop(fixture.image, { shadowAllowance: 0 })).alpha, fixture.mask);
    expect(without).toBeLessThan(withAllowance - 0.03);
  });

  it('returns a PNG cut-out of the same size whose alpha is the mask, with a feathered edge', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'gradient', width: 300, height: 200 });
    const cut = await removeBackdrop(fixture.image);
    expect(cut).toMatchObject({ width: 300, height: 200 });
    expect(cut.alpha).toHaveLength(300 * 200);
    expect(await sharp(cut.cutout).metadata()).toMatchObject({ format: 'png', width: 300, height: 200, channels: 4 });
    const cutoutAlpha = await sharp(cut.cutout).extractChannel(3).raw().toBuffer();
    expect(cutoutAlpha.equals(cut.alpha)).toBe(true);
    expect(cut.alpha.some((value) => value > 0 && value < 255)).toBe(true);
  });

  it('refuses an image above the pixel limit before decoding it', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'grey', width: 200, height: 200 });
    await expect(removeBackdrop(fixture.image, { pixelLimit: 10_000 })).rejects.toThrow(/pixel limit/i);
  });

  it('cuts a 2000x2000 photo in bounded time', async () => {
    const fixture = await renderProductFixture({ object: 'shoe', backdrop: 'gradient', shadow: true, width: 2000, height: 2000 });
    const started = performance.now();
    const cut = await removeBackdrop(fixture.image);
    const elapsed = performance.now() - started;
    expect(maskIoU(cut.alpha, fixture.mask)).toBeGreaterThanOrEqual(0.95);
    expect(elapsed).toBeLessThan(15_000);
  });
});
