import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRaw } from '../measure/raw-image';
import { StepClock } from '../pipeline/studio-pipeline';
import { type FixtureBackdrop, maskIoU, renderProductFixture } from '../testing/fixtures';
import { backgroundRemover, hasPlainBackdrop, removeBackgroundImage } from './background-removal';
import { SegmentationModel } from './model/segmentation-model';

describe('hasPlainBackdrop', () => {
  it('takes grey and graded sweeps for studio backdrops and a textured cloth for none, whatever the object, shadow and size', async () => {
    const expected: Record<FixtureBackdrop, boolean> = { grey: true, gradient: true, texture: false };
    for (const backdrop of ['grey', 'gradient', 'texture'] as const) {
      for (const [object, shadow, width, height] of [['bottle', false, 320, 320], ['shoe', true, 640, 480], ['box', true, 480, 640]] as const) {
        const fixture = await renderProductFixture({ object, backdrop, shadow, width, height, seed: 11 });
        expect(hasPlainBackdrop(await decodeRaw(fixture.image)), `${object} on ${backdrop}`).toBe(expected[backdrop]);
      }
    }
  });
});

describe('backgroundRemover', () => {
  const model = new SegmentationModel({ concurrency: 1 });
  const removal = { remove: backgroundRemover((image, signal) => model.mask(image, signal)) };
  afterAll(() => model.close());

  it('in auto, cuts studio backdrops classically without loading the model', async () => {
    for (const backdrop of ['grey', 'gradient'] as const) {
      const fixture = await renderProductFixture({ object: 'shoe', backdrop, shadow: true, width: 480, height: 480 });
      const mask = await removal.remove(await decodeRaw(fixture.image), 'auto');
      expect(mask).toMatchObject({ mode: 'backdrop', width: 480, height: 480 });
      expect(maskIoU(mask.alpha, fixture.mask)).toBeGreaterThanOrEqual(0.95);
    }
    expect(model.loaded).toBe(false);
  });

  it('in auto, hands a textured backdrop to the model', async () => {
    const fixture = await renderProductFixture({ object: 'bottle', backdrop: 'texture', shadow: true, width: 512, height: 512 });
    const mask = await removal.remove(await decodeRaw(fixture.image), 'auto');
    expect(mask.mode).toBe('model');
    expect(maskIoU(mask.alpha, fixture.mask)).toBeGreaterThanOrEqual(0.9);
  });

  it('uses the mode it is asked for', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'texture', width: 320, height: 320 });
    const mask = await removal.remove(await decodeRaw(fixture.image), 'backdrop');
    expect(mask.mode).toBe('backdrop');
  });

  it('stops before cutting when the signal has aborted', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'grey', width: 64, height: 64 });
    await expect(removal.remove(await decodeRaw(fixture.image), 'backdrop', AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('removeBackgroundImage', () => {
  const model = new SegmentationModel({ concurrency: 1 });
  const deps = () => ({ removeBackground: backgroundRemover((image, signal) => model.mask(image, signal)), clock: new StepClock(), pixelLimit: 10_000_000 });

  it('returns an RGBA PNG cut-out whose alpha is the subject, timing decode, removeBackground and encode', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'gradient', width: 300, height: 200 });
    const options = deps();
    const result = await removeBackgroundImage(fixture.image, { mode: 'backdrop', output: 'cutout' }, options);
    expect(result).toMatchObject({ format: 'png', width: 300, height: 200 });
    expect(await sharp(result.data).metadata()).toMatchObject({ format: 'png', width: 300, height: 200, channels: 4 });
    const alpha = await sharp(result.data).extractChannel(3).raw().toBuffer();
    expect(maskIoU(alpha, fixture.mask)).toBeGreaterThanOrEqual(0.95);
    expect(options.clock.steps.map((step) => step.name)).toEqual(['decode', 'removeBackground', 'encode']);
  });

  it('returns the mask alone as a greyscale PNG', async () => {
    const fixture = await renderProductFixture({ object: 'shoe', backdrop: 'grey', width: 240, height: 240 });
    const result = await removeBackgroundImage(fixture.image, { mode: 'backdrop', output: 'mask' }, deps());
    const metadata = await sharp(result.data).metadata();
    expect(metadata).toMatchObject({ format: 'png', width: 240, height: 240, channels: 1 });
    expect(maskIoU(await sharp(result.data).extractChannel(0).raw().toBuffer(), fixture.mask)).toBeGreaterThanOrEqual(0.95);
  });

  it('turns the source upright by its EXIF orientation and strips its metadata', async () => {
    const fixture = await renderProductFixture({ object: 'bottle', backdrop: 'grey', width: 200, height: 120 });
    const rotated = await sharp(fixture.image).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await removeBackgroundImage(rotated, { mode: 'backdrop', output: 'cutout' }, deps());
    expect(result).toMatchObject({ width: 120, height: 200 });
    const metadata = await sharp(result.data).metadata();
    expect(metadata.orientation).toBeUndefined();
    expect(metadata.exif).toBeUndefined();
  });

  it('flattens a transparent source onto white before cutting', async () => {
    const source = await sharp({ create: { width: 120, height: 120, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: { create: { width: 40, height: 40, channels: 4, background: { r: 20, g: 60, b: 160, alpha: 1 } } }, left: 40, top: 40 }])
      .png()
      .toBuffer();
    const result = await removeBackgroundImage(source, { mode: 'backdrop', output: 'cutout' }, deps());
    const { data } = await sharp(result.data).raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data.subarray(0, 4))).toEqual([255, 255, 255, 0]);
    expect(Array.from(data.subarray((60 * 120 + 60) * 4, (60 * 120 + 60) * 4 + 4))).toEqual([20, 60, 160, 255]);
  });

  it('refuses a source above the pixel limit before decoding it', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'grey', width: 200, height: 200 });
    const options = { ...deps(), pixelLimit: 10_000 };
    await expect(removeBackgroundImage(fixture.image, { mode: 'backdrop', output: 'mask' }, options)).rejects.toThrow(/pixel limit/i);
    expect(options.clock.steps.map((step) => step.name)).toEqual(['decode']);
  });

  it('stops between steps when the signal has aborted', async () => {
    const fixture = await renderProductFixture({ object: 'box', backdrop: 'grey', width: 100, height: 100 });
    const options = { ...deps(), signal: AbortSignal.abort() };
    await expect(removeBackgroundImage(fixture.image, { mode: 'backdrop', output: 'mask' }, options)).rejects.toMatchObject({ name: 'AbortError' });
    expect(options.clock.steps.map((step) => step.name)).toEqual(['decode']);
  });
});
