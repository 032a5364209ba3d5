import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../measure/raw-image';
import { renderProductFixture } from '../testing/fixtures';
import { alphaBox, castShadow, type ShadowOptions } from './shadow';

const SIZE = 320;

/** The fixture's object placed on a white (or transparent) RGBA canvas, with its true mask as the subject's alpha. */
async function placedSubject(background: 'white' | 'transparent'): Promise<{ canvas: RawImage; alpha: Buffer }> {
  const fixture = await renderProductFixture({ object: 'bottle', backdrop: 'grey', width: SIZE, height: SIZE });
  const rgb = await sharp(fixture.image).raw().toBuffer();
  const data = new Uint8Array(SIZE * SIZE * 4);
  for (let pixel = 0; pixel < SIZE * SIZE; pixel++) {
    const inSubject = fixture.mask[pixel] === 255;
    for (let c = 0; c < 3; c++) data[pixel * 4 + c] = inSubject ? rgb[pixel * 3 + c] : 255;
    data[pixel * 4 + 3] = inSubject || background === 'white' ? 255 : 0;
  }
  return { canvas: { data, width: SIZE, height: SIZE, channels: 4 }, alpha: Buffer.from(fixture.mask) };
}

/** Sum of how much darker each pixel got, and the weighted mean of their x and y. */
function darkening(before: RawImage, after: RawImage): { total: number; x: number; y: number } {
  let total = 0;
  let sumX = 0;
  let sumY = 0;
  for (let pixel = 0; pixel < before.width * before.height; pixel++) {
    const drop = before.data[pixel * 4] - after.data[pixel * 4];
    if (drop <= 0) continue;
    total += drop;
    sumX += drop * (pixel % before.width);
    sumY += drop * Math.floor(pixel / before.width);
  }
  return { total, x: sumX / total, y: sumY / total };
}

describe('castShadow', () => {
  let white: { canvas: RawImage; alpha: Buffer };
  let box: NonNullable<ReturnType<typeof alphaBox>>;

  beforeAll(async () => {
    white = await placedSubject('white');
    box = alphaBox(white.alpha, SIZE, SIZE)!;
  });

  for (const kind of ['contact', 'drop', 'reflection'] as const) {
    it(`leaves the subject's pixels unchanged (${kind})`, async () => {
      const result = await castShadow(white.canvas, white.alpha, { kind, opacity: 1, softness: 0.3 });
      expect(darkening(white.canvas, result).total).toBeGreaterThan(0);
      for (let pixel = 0; pixel < white.alpha.length; pixel++) {
        if (white.alpha[pixel] !== 255) continue;
        for (let c = 0; c < 4; c++) expect(result.data[pixel * 4 + c]).toBe(white.canvas.data[pixel * 4 + c]);
      }
    });

    it(`changes nothing at opacity 0 (${kind})`, async () => {
      const result = await castShadow(white.canvas, white.alpha, { kind, opacity: 0 });
      expect(Buffer.from(result.data).equals(Buffer.from(white.canvas.data))).toBe(true);
    });
  }

  it('darkens under the subject with a contact shadow and nothing above its base', async () => {
    const result = await castShadow(white.canvas, white.alpha, { kind: 'contact', opacity: 0.6 });
    const base = box.top + box.height - 1;
    const below = ((base + 3) * SIZE + box.left + Math.round(box.width / 2)) * 4;
    expect(result.data[below]).toBeLessThan(230);
    for (let pixel = 0; pixel < (base - box.height / 4) * SIZE; pixel++) {
      expect(result.data[pixel * 4]).toBe(white.canvas.data[pixel * 4]);
    }
    const shade = darkening(white.canvas, result);
    expect(shade.y).toBeGreaterThan(base - 2);
  });

  it('moves a drop shadow away from the light', async () => {
    const centre = box.left + box.width / 2;
    const fromRight = darkening(white.canvas, await castShadow(white.canvas, white.alpha, { kind: 'drop', direction: 90 }));
    const fromLeft = darkening(white.canvas, await castShadow(white.canvas, white.alpha, { kind: 'drop', direction: 270 }));
    const fromAbove = darkening(white.canvas, await castShadow(white.canvas, white.alpha, { kind: 'drop', direction: 0 }));
    expect(fromRight.x).toBeLessThan(centre - 3);
    expect(fromLeft.x).toBeGreaterThan(centre + 3);
    expect(fromAbove.y).toBeGreaterThan(box.top + box.height * 0.75);
    expect(Math.abs(fromAbove.x - centre)).toBeLessThan(3);
  });

  it('mirrors the subject below its base for a reflection, fading out', async () => {
    const result = await castShadow(white.canvas, white.alpha, { kind: 'reflection', opacity: 0.8, softness: 0 });
    const base = box.top + box.height - 1;
    const column = box.left + Math.round(box.width / 2);
    const near = ((base + 2) * SIZE + column) * 4;
    const far = ((base + 40) * SIZE + column) * 4;
    const mirrored = ((base - 1) * SIZE + column) * 4;
    // The bottle is teal: its reflection keeps more green than red, strongly near the base, faintly further down.
    expect(result.data[near + 1] - result.data[near]).toBeGreaterThan(30);
    expect(result.data[near]).toBeLessThan(white.canvas.data[near]);
    expect(Math.abs(result.data[near + 1] - white.canvas.data[mirrored + 1])).toBeLessThan(Math.abs(255 - white.canvas.data[mirrored + 1]));
    expect(255 - result.data[far]).toBeLessThan(255 - result.data[near]);
  });

  it('shows the shadow as translucent black on a transparent canvas', async () => {
    const transparent = await placedSubject('transparent');
    const result = await castShadow(transparent.canvas, transparent.alpha, { kind: 'contact', opacity: 0.6 });
    const below = ((box.top + box.height + 2) * SIZE + box.left + Math.round(box.width / 2)) * 4;
    expect(result.data[below + 3]).toBeGreaterThan(40);
    expect(result.data[below]).toBe(0);
    expect(result.data[3]).toBe(0);
  });

  it('refuses a canvas without alpha and options out of range', async () => {
    const rgb: RawImage = { data: new Uint8Array(4 * 4 * 3), width: 4, height: 4, channels: 3 };
    await expect(castShadow(rgb, Buffer.alloc(16), { kind: 'contact' })).rejects.toThrow(/RGBA/);
    const bad: ShadowOptions[] = [
      { kind: 'drop', opacity: 1.5 },
      { kind: 'drop', softness: -0.1 },
    ];
    for (const options of bad) await expect(castShadow(white.canvas, white.alpha, options)).rejects.toThrow(RangeError);
  });
});
