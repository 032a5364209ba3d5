import { describe, expect, it } from 'vitest';
import { placedAlpha, reframe } from './reframe';

describe('reframe', () => {
  it("scales the subject box onto the frame's box with its mask aligned, cut to the canvas", async () => {
    // 20x10 grey, with a red 4x3 subject at (5, 2) that the mask covers exactly.
    const width = 20;
    const height = 10;
    const data = Buffer.alloc(width * height * 3, 100);
    const alpha = Buffer.alloc(width * height);
    for (let y = 2; y < 5; y++) {
      for (let x = 5; x < 9; x++) {
        data.set([255, 0, 0], (y * width + x) * 3);
        alpha[y * width + x] = 255;
      }
    }
    const box = { left: 5, top: 2, width: 4, height: 3 };
    const canvas = { width: 16, height: 12 };
    const layer = await reframe({ data, width, height, channels: 3 }, alpha, box, {
      canvas,
      box: { left: 4, top: 3, width: 8, height: 6 },
      clip: { left: 0, top: 0, ...canvas },
    });
    // The pixels kept round the box reach past the canvas's edges and are cut there.
    expect(layer).toMatchObject({ width: 16, height: 12, left: 0, top: 0 });
    const at = (x: number, y: number) => [...layer.data.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 4)];
    expect(at(8, 6)).toEqual([255, 0, 0, 255]);
    expect(at(1, 1)[3]).toBe(0);
    expect(at(14, 10)[3]).toBe(0);
  });

  it('takes the box exactly, opaque, without a mask', async () => {
    const data = Buffer.alloc(10 * 10 * 3, 50);
    const layer = await reframe({ data, width: 10, height: 10, channels: 3 }, null, { left: 2, top: 2, width: 5, height: 5 }, {
      canvas: { width: 20, height: 20 },
      box: { left: 5, top: 5, width: 10, height: 10 },
      clip: { left: 0, top: 0, width: 20, height: 20 },
    });
    expect(layer).toMatchObject({ width: 10, height: 10, left: 5, top: 5 });
    expect(layer.data.every((value, index) => value === (index % 4 === 3 ? 255 : 50))).toBe(true);
  });
});

describe('placedAlpha', () => {
  it("lays the layer's alpha at its place on an otherwise empty canvas", async () => {
    const layer = { data: Buffer.from([9, 9, 9, 100, 9, 9, 9, 200]), width: 2, height: 1, left: 1, top: 1 };
    expect([...(await placedAlpha(layer, { width: 4, height: 3 }))]).toEqual([0, 0, 0, 0, 0, 100, 200, 0, 0, 0, 0, 0]);
  });
});
