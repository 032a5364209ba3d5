import { describe, expect, it } from 'vitest';
import type { RawImage } from '../measure/raw-image';
import { backdropRow, fitBackdrop } from './backdrop-model';

/** A 100x80 vertical gradient (level 240 at the top to 160 at the bottom), with a dark block touching the bottom edge. */
function gradientWithBlock(): RawImage {
  const width = 100;
  const height = 80;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const block = x >= 40 && x < 60 && y >= 50;
      data.fill(block ? 20 : Math.round(240 - (80 * y) / (height - 1)), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data, width, height, channels: 3 };
}

describe('fitBackdrop', () => {
  it('fits a gradient from the border, not dragged by a subject touching the edge', () => {
    const image = gradientWithBlock();
    const model = fitBackdrop(image, 2);
    const row = new Float32Array(image.width * 3);
    for (const y of [0, 40, 79]) {
      backdropRow(model, y, image.width, image.height, row);
      const expected = 240 - (80 * y) / 79;
      for (const x of [0, 50, 99]) expect(Math.abs(row[x * 3] - expected)).toBeLessThan(1.5);
    }
    expect(model.noise).toBeLessThan(1);
  });
});
