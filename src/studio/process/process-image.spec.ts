import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cutBackdrop } from '../background/backdrop';
import { borderWhitePurity } from '../measure/border';
import { readFileFacts } from '../measure/file-facts';
import { decodeRaw } from '../measure/raw-image';
import { subjectBox, subjectFill } from '../measure/subject';
import { StepClock, StudioInputError, type RemoveBackground } from '../pipeline/studio-pipeline';
import { renderProductFixture } from '../testing/fixtures';
import { processImage } from './process-image';
import { resolveProcessOptions, type ProcessOptions } from './process-options';

/** The classical backdrop cut as the pipeline's remover. */
const backdropCut: RemoveBackground = async (image) => ({ alpha: await cutBackdrop(image), width: image.width, height: image.height, mode: 'backdrop' });

const PIXEL_LIMIT = 10_000_000;

function run(source: Buffer, options: Partial<ProcessOptions>, clock = new StepClock(), signal?: AbortSignal) {
  return processImage(source, resolveProcessOptions({ removeBackground: 'backdrop', format: 'png', ...options }), { removeBackground: backdropCut, clock, pixelLimit: PIXEL_LIMIT, signal });
}

const bottleOnGrey = () => renderProductFixture({ object: 'bottle', backdrop: 'grey', width: 400, height: 300, seed: 5 });

describe('processImage', () => {
  it('puts the subject on pure white, timing every step in order', async () => {
    const clock = new StepClock();
    const result = await run((await bottleOnGrey()).image, { width: 500, height: 500, format: 'jpeg' }, clock);
    expect(result).toMatchObject({ format: 'jpeg', width: 500, height: 500 });
    expect(await readFileFacts(result.data)).toMatchObject({ format: 'jpeg', width: 500, height: 500, colourSpace: 'srgb', iccProfile: null, alpha: false });
    expect(borderWhitePurity(await decodeRaw(result.data))).toBeGreaterThanOrEqual(0.99);
    expect(clock.steps.map((step) => step.name)).toEqual(['decode', 'removeBackground', 'subjectBox', 'reframe', 'composite', 'encode']);
  });

  it('makes the subject box the asked share of the longer side with fill', async () => {
    const source = (await bottleOnGrey()).image;
    for (const fill of [0.5, 0.85]) {
      const image = await decodeRaw((await run(source, { width: 450, height: 600, fill })).data);
      // The feathered edge reaches a pixel or two beyond the box of alpha >= 128: never below the fill asked.
      const measured = subjectFill(subjectBox(image), image);
      expect(measured).toBeGreaterThanOrEqual(fill);
      expect(measured).toBeLessThanOrEqual(fill + 0.01);
    }
  });

  it('keeps the margins clear and fits the subject box between two of them (contain)', async () => {
    const result = await run((await bottleOnGrey()).image, { width: 400, height: 400, margin: { top: 0.2, right: 0.05, bottom: 0.1, left: 0.05 } });
    const box = subjectBox(await decodeRaw(result.data));
    // The bottle is taller than wide: it spans from the top margin (80 px) to the bottom one (40 px).
    expect(box?.top).toBeGreaterThanOrEqual(78);
    expect(box?.top).toBeLessThanOrEqual(82);
    expect(400 - (box!.top + box!.height)).toBeGreaterThanOrEqual(38);
    expect(400 - (box!.top + box!.height)).toBeLessThanOrEqual(42);
    expect(box!.width).toBeLessThan(box!.height);
  });

  it('with cover fills the space inside the margins and keeps the margins white', async () => {
    const result = await run((await bottleOnGrey()).image, { width: 400, height: 400, margin: 0.1, fit: 'cover' });
    const image = await decodeRaw(result.data);
    const box = subjectBox(image);
    expect(box).toEqual({ left: 40, top: 40, width: 320, height: 320 });
    expect(borderWhitePurity(image, { ringWidth: 40, tolerance: 2 })).toBe(1);
  });

  it('sizes a missing canvas from the subject and its margins', async () => {
    const fixture = await bottleOnGrey();
    const ownBox = subjectBox(await decodeRaw(fixture.image))!;
    const result = await run(fixture.image, { margin: 0.1 });
    expect(result.width).toBeCloseTo(ownBox.width / 0.8, -1);
    expect(result.height).toBeCloseTo(ownBox.height / 0.8, -1);
    const widthOnly = await run(fixture.image, { margin: 0.1, width: 300 });
    expect(widthOnly.width).toBe(300);
    expect(widthOnly.height / widthOnly.width).toBeCloseTo(ownBox.height / ownBox.width, 1);
  });

  it('casts a contact shadow under the subject when asked, and none by default', async () => {
    const source = (await bottleOnGrey()).image;
    const clock = new StepClock();
    const shadowed = await decodeRaw((await run(source, { width: 300, height: 300, shadow: 'contact' }, clock)).data);
    expect(clock.steps.map((step) => step.name)).toEqual(['decode', 'removeBackground', 'subjectBox', 'reframe', 'composite', 'shadow', 'encode']);
    const plain = await decodeRaw((await run(source, { width: 300, height: 300 })).data);
    const box = subjectBox(plain)!;
    // Just under the subject's base, beside its middle: white without a shadow, darker with one.
    const below = ((box.top + box.height + 2) * 300 + 150 - Math.round(box.width / 2) - 3) * 3;
    expect(plain.data[below]).toBeGreaterThanOrEqual(250);
    expect(shadowed.data[below]).toBeLessThan(240);
  });

  it('writes a transparent PNG whose background has alpha 0 and whose subject is opaque', async () => {
    const result = await run((await bottleOnGrey()).image, { width: 300, height: 300, background: 'transparent' });
    expect(await readFileFacts(result.data)).toMatchObject({ format: 'png', alpha: true });
    const image = await decodeRaw(result.data);
    expect(image.channels).toBe(4);
    expect(image.data[3]).toBe(0);
    expect(image.data[(150 * 300 + 150) * 4 + 3]).toBe(255);
  });

  it('lays the subject on a chosen colour', async () => {
    const image = await decodeRaw((await run((await bottleOnGrey()).image, { width: 300, height: 300, background: '#336699' })).data);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([0x33, 0x66, 0x99]);
  });

  it('refuses a transparent background in JPEG before any work', async () => {
    const clock = new StepClock();
    await expect(run((await bottleOnGrey()).image, { background: 'transparent', format: 'jpeg' }, clock)).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/transparent.*jpeg/i),
    });
    expect(clock.steps).toEqual([]);
  });

  it('keeps the file under maxBytes by lowering the quality', async () => {
    const source = (await renderProductFixture({ object: 'box', backdrop: 'texture', width: 400, height: 400 })).image;
    const options = { width: 400, height: 400, format: 'jpeg' as const, removeBackground: 'none' as const, margin: 0 };
    const full = await run(source, options);
    const capped = await run(source, { ...options, maxBytes: Math.floor(full.data.length / 2) });
    expect(capped.data.length).toBeLessThanOrEqual(full.data.length / 2);
    const tooSmall = run(source, { ...options, maxBytes: 1000 });
    await expect(tooSmall).rejects.toBeInstanceOf(StudioInputError);
    await expect(tooSmall).rejects.toThrow(/1000 bytes.*smallest file reached was \d+ bytes/);
  });

  it('turns an EXIF-rotated photo upright', async () => {
    const upright = (await bottleOnGrey()).image;
    // Stored lying on its side, with the orientation tag that stands it up again.
    const lying = await sharp(await sharp(upright).rotate(-90).toBuffer()).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const box = subjectBox(await decodeRaw((await run(lying, { width: 400, height: 400 })).data));
    expect(box!.height).toBeGreaterThan(box!.width * 1.5);
  });

  it('reads CMYK and greyscale sources, with or without alpha, as sRGB', async () => {
    const fixture = (await bottleOnGrey()).image;
    const sources = [
      await sharp(fixture).toColourspace('cmyk').jpeg().toBuffer(),
      await sharp(fixture).toColourspace('b-w').png().toBuffer(),
      await sharp(fixture).ensureAlpha().toColourspace('b-w').png().toBuffer(),
    ];
    for (const source of sources) {
      const result = await run(source, { width: 200, height: 200, format: 'jpeg' });
      expect(await readFileFacts(result.data)).toMatchObject({ width: 200, height: 200, colourSpace: 'srgb' });
      expect(borderWhitePurity(await decodeRaw(result.data))).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('without background removal frames what stands out from the border colour', async () => {
    const clock = new StepClock();
    const result = await run((await bottleOnGrey()).image, { width: 300, height: 300, removeBackground: 'none', margin: 0 }, clock);
    expect(clock.steps.map((step) => step.name)).toEqual(['decode', 'subjectBox', 'reframe', 'composite', 'encode']);
    const box = subjectBox(await decodeRaw(result.data));
    expect(box?.height).toBeGreaterThanOrEqual(298);
  });

  it('refuses an image with no subject as unprocessable input', async () => {
    const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#8a8a8a' } }).png().toBuffer();
    for (const removeBackground of ['backdrop', 'none'] as const) {
      const processing = run(blank, { removeBackground });
      await expect(processing).rejects.toBeInstanceOf(StudioInputError);
      await expect(processing).rejects.toThrow(/no subject/i);
    }
  });

  it('refuses an image above the pixel limit before decoding it', async () => {
    const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#8a8a8a' } }).jpeg().toBuffer();
    await expect(run(big, {})).rejects.toThrow(/pixel limit/i);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(run((await bottleOnGrey()).image, {}, new StepClock(), controller.signal)).rejects.toThrow(/abort/i);
  });
});
