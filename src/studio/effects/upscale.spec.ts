import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { laplacianVariance } from '../measure/sharpness';
import { StepClock, StudioInputError } from '../pipeline/studio-pipeline';
import { renderProductFixture } from '../testing/fixtures';
import { upscaleImage } from './upscale';

const deps = () => ({ clock: new StepClock(), pixelLimit: 1_000_000, maxOutputPixels: 4_000_000 });

async function greyRaw(image: Buffer) {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('upscaleImage', () => {
  let photo: Buffer;

  beforeAll(async () => {
    photo = (await renderProductFixture({ object: 'box', backdrop: 'grey', width: 160, height: 120 })).image;
  });

  it('doubles and quadruples the size, keeping the source format and timing each step', async () => {
    const jpeg = await sharp(photo).jpeg().toBuffer();
    const clock = new StepClock();
    const double = await upscaleImage(jpeg, { factor: 2 }, { ...deps(), clock });
    expect([double.width, double.height, double.format]).toEqual([320, 240, 'jpeg']);
    expect((await sharp(double.data).metadata()).format).toBe('jpeg');
    expect(clock.steps.map((step) => step.name)).toEqual(['decode', 'upscale', 'sharpen', 'encode']);
    const quadruple = await upscaleImage(photo, { factor: 4, format: 'webp' }, deps());
    expect([quadruple.width, quadruple.height, quadruple.format]).toEqual([640, 480, 'webp']);
  });

  it('turns the source upright by its EXIF orientation and writes no metadata', async () => {
    const sideways = await sharp(photo).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const output = await upscaleImage(sideways, { factor: 2 }, deps());
    expect([output.width, output.height]).toEqual([240, 320]);
    const metadata = await sharp(output.data).metadata();
    expect([metadata.width, metadata.height, metadata.orientation, metadata.exif]).toEqual([240, 320, undefined, undefined]);
  });

  it('writes png for a source in a format the studio does not write, with its alpha kept', async () => {
    const half = Buffer.alloc(40 * 20 * 4);
    for (let pixel = 0; pixel < 40 * 20; pixel++) half.set([200, 40, 40, pixel % 40 < 20 ? 255 : 0], pixel * 4);
    const gif = await sharp(half, { raw: { width: 40, height: 20, channels: 4 } }).gif().toBuffer();
    const output = await upscaleImage(gif, { factor: 2 }, deps());
    expect(output.format).toBe('png');
    const { data, info } = await sharp(output.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[(20 * 80 + 5) * 4 + 3]).toBe(255);
    expect(data[(20 * 80 + 75) * 4 + 3]).toBe(0);
  });

  it('refuses an output above the pixel limit before doing the work', async () => {
    const clock = new StepClock();
    await expect(upscaleImage(photo, { factor: 4 }, { ...deps(), clock, maxOutputPixels: 160 * 120 * 16 - 1 })).rejects.toThrow(
      /makes 307200 pixels, above the limit of 307199/,
    );
    await expect(upscaleImage(photo, { factor: 4 }, { ...deps(), maxOutputPixels: 1 })).rejects.toBeInstanceOf(StudioInputError);
    expect(clock.steps.map((step) => step.name)).toEqual(['decode']);
    await expect(upscaleImage(photo, { factor: 3 as 2 }, deps())).rejects.toThrow(/2 or 4/);
  });

  it('refuses a source above the input pixel limit', async () => {
    await expect(upscaleImage(photo, { factor: 2 }, { ...deps(), pixelLimit: 160 * 120 - 1 })).rejects.toThrow(/pixel limit/i);
  });

  it('keeps a sharp edge sharper than plain bilinear interpolation', async () => {
    const square = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#ffffff' } })
      .composite([{ input: { create: { width: 40, height: 40, channels: 3, background: '#202020' } }, left: 28, top: 28 }])
      .png()
      .toBuffer();
    const ours = await upscaleImage(square, { factor: 2 }, deps());
    const bilinear = await sharp(square).resize(192, 192, { kernel: 'linear' }).png().toBuffer();
    expect(laplacianVariance(await greyRaw(ours.data))).toBeGreaterThan(1.5 * laplacianVariance(await greyRaw(bilinear)));
  });
});
