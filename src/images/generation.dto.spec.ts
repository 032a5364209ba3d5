import { describe, expect, it } from 'vitest';
import { imagesAsked } from './generation.dto';

describe('imagesAsked', () => {
  it('counts a valid n', () => {
    expect(imagesAsked({ n: 3 })).toBe(3);
    expect(imagesAsked({ n: '2' })).toBe(2);
    expect(imagesAsked({})).toBe(1);
    expect(imagesAsked(undefined)).toBe(1);
  });

  it('counts 1 for an n that validation will refuse, so it cannot drain the daily quota', () => {
    for (const n of [1000, 0, -2, 2.5, 'lots', null]) expect(imagesAsked({ n })).toBe(1);
  });
});
