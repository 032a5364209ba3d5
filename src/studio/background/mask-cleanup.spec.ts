import { describe, expect, it } from 'vitest';
import { turnsDuring } from '../testing/event-loop-turns';
import { fillSmallHoles, keepMainComponents } from './mask-cleanup';

/** A 20x20 mask with the given rectangles set to 255 (or 0 when `value` says so). */
function mask(rectangles: [number, number, number, number, number?][]): Uint8Array {
  const pixels = new Uint8Array(400);
  for (const [left, top, width, height, value = 255] of rectangles) {
    for (let y = top; y < top + height; y++) for (let x = left; x < left + width; x++) pixels[y * 20 + x] = value;
  }
  return pixels;
}

const count = (pixels: Uint8Array) => pixels.filter((value) => value === 255).length;

describe('keepMainComponents', () => {
  it('drops regions smaller than the share of the largest and keeps the others', async () => {
    const pixels = mask([
      [1, 1, 10, 10],
      [15, 15, 1, 1],
      [14, 1, 4, 4],
    ]);
    await keepMainComponents(pixels, 20, 20, 0.1);
    expect(pixels[15 * 20 + 15]).toBe(0);
    expect(count(pixels)).toBe(100 + 16);
  });
});

describe('fillSmallHoles', () => {
  it('fills a small enclosed hole, keeps a large one and the background reaching the edge', async () => {
    const pixels = mask([
      [0, 0, 20, 20],
      [2, 2, 2, 2, 0],
      [8, 8, 8, 8, 0],
      [19, 0, 1, 20, 0],
    ]);
    await fillSmallHoles(pixels, 20, 20, 0.05);
    expect(pixels[2 * 20 + 2]).toBe(255);
    expect(pixels[10 * 20 + 10]).toBe(0);
    expect(pixels[5 * 20 + 19]).toBe(0);
  });
});

describe('mask cleanup on a large mask', () => {
  it('lets the event loop turn between slices of its passes', async () => {
    const width = 2000;
    const height = 1500;
    const pixels = new Uint8Array(width * height);
    for (let y = 300; y < 1200; y++) pixels.fill(255, y * width + 400, y * width + 1600);
    expect(await turnsDuring(() => keepMainComponents(pixels, width, height, 0.02))).toBeGreaterThanOrEqual(8);
    expect(await turnsDuring(() => fillSmallHoles(pixels, width, height, 0.03))).toBeGreaterThanOrEqual(8);
  });
});
