import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeRaw } from '../measure/raw-image';
import { type FixtureBackdrop, type FixtureObject, maskIoU, renderProductFixture } from '../testing/fixtures';
import { type BackdropCutOptions, cutBackdrop, subjectByBackdropDistance } from './backdrop';
import { turnsDuring } from '../testing/event-loop-turns';

const OBJECTS: FixtureObject[] = ['bottle', 'shoe', 'box'];
const STUDIO_BACKDROPS: FixtureBackdrop[] = ['grey', 'gradient'];

const cut = async (image: Buffer, options?: BackdropCutOptions) => cutBackdrop(await decodeRaw(image), options);

describe('cutBackdrop', () => {
  for (const backdrop of STUDIO_BACKDROPS) {
    for (const shadow of [false, true]) {
      it(`cuts each object from a ${backdrop} backdrop ${shadow ? 'with' : 'without'} a shadow at IoU >= 0.95`, async () => {
        for (const object of OBJECTS) {
          const fixture = await renderProductFixture({ object, backdrop, shadow, width: 480, height: 480, seed: 3 });
          expect(maskIoU(await cut(fixture.image), fixture.mask), object).toBeGreaterThanOrEqual(0.95);
        }
      });
    }
  }

  it('leaves the faint part of the shadow out of the subject', async () => {
    const options = { object: 'shoe', backdrop: 'grey', width: 400, height: 400 } as const;
    const plain = await sharp((await renderProductFixture(options)).image).raw().toBuffer();
    const fixture = await renderProductFixture({ ...options, shadow: true });
    const shadowed = await sharp(fixture.image).raw().toBuffer();
    const alpha = await cut(fixture.image);
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
    const withAllowance = maskIoU(await cut(fixture.image), fixture.mask);
    const without = maskIoU(await cut(fixture.image, { shadowAllowance: 0 }), fixture.mask);
    expect(without).toBeLessThan(withAllowance - 0.03);
  });

  it('returns an alpha of one byte per pixel with a feathered edge', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'gradient', width: 300, height: 200 });
    const alpha = await cut(fixture.image);
    expect(alpha).toHaveLength(300 * 200);
    expect(alpha.some((value) => value > 0 && value < 255)).toBe(true);
  });

  it('cuts a 2000x2000 photo in bounded time', async () => {
    const fixture = await renderProductFixture({ object: 'shoe', backdrop: 'gradient', shadow: true, width: 2000, height: 2000 });
    const image = await decodeRaw(fixture.image);
    const started = performance.now();
    const alpha = await cutBackdrop(image);
    const elapsed = performance.now() - started;
    expect(maskIoU(alpha, fixture.mask)).toBeGreaterThanOrEqual(0.95);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('lets the event loop turn while it measures every pixel of a large photo', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'grey', width: 2000, height: 1200 });
    const image = await decodeRaw(fixture.image);
    expect(await turnsDuring(() => subjectByBackdropDistance(image, 20, 0.25))).toBeGreaterThanOrEqual(8);
  });
});
