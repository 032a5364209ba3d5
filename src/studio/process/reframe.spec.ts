import { describe, expect, it } from 'vitest';
import { placedAlpha } from './reframe';

describe('placedAlpha', () => {
  it("lays the layer's alpha at its place on an otherwise empty canvas", async () => {
    const layer = { data: Buffer.from([9, 9, 9, 100, 9, 9, 9, 200]), width: 2, height: 1, left: 1, top: 1 };
    expect([...(await placedAlpha(layer, { width: 4, height: 3 }))]).toEqual([0, 0, 0, 0, 0, 100, 200, 0, 0, 0, 0, 0]);
  });
});
