import { describe, expect, it } from 'vitest';
import { alphaFromSaliency, ISNET_INPUT_SIZE, isnetInput, saliencyLevels, toIsnetPixels } from './isnet-tensor';

const PLANE = ISNET_INPUT_SIZE * ISNET_INPUT_SIZE;

describe('ISNet tensors', () => {
  it('stretches an image to the square input and lays it out as R, G and B planes around zero', async () => {
    const image = { data: Uint8Array.from({ length: 40 * 10 * 3 }, (_, i) => [255, 128, 0][i % 3]), width: 40, height: 10, channels: 3 };
    const pixels = await toIsnetPixels(image);
    expect(pixels).toHaveLength(PLANE * 3);
    const input = isnetInput(pixels);
    expect(input).toHaveLength(3 * PLANE);
    expect([input[0], input[PLANE], input[2 * PLANE]]).toEqual([127 / 256, 0, -0.5]);
  });

  it('turns the saliency into an alpha of the image size: haze to 0, near-certain subject to 255, a ramp between', async () => {
    const saliency = new Float32Array(PLANE);
    for (let i = 0; i < PLANE; i++) saliency[i] = (i % ISNET_INPUT_SIZE) / (ISNET_INPUT_SIZE - 1);
    const alpha = await alphaFromSaliency(saliencyLevels(saliency), 200, 100);
    expect(alpha).toHaveLength(200 * 100);
    const row = Array.from(alpha.subarray(50 * 200, 51 * 200));
    expect(row.slice(0, 25).every((value) => value === 0)).toBe(true);
    expect(row.slice(175).every((value) => value === 255)).toBe(true);
    expect(row[100]).toBeGreaterThan(100);
    expect(row[100]).toBeLessThan(155);
    for (let x = 1; x < 200; x++) expect(row[x]).toBeGreaterThanOrEqual(row[x - 1]);
  });
});
