import { describe, expect, it } from 'vitest';
import { barHeights, periodStart } from './credits';

describe('the credits period', () => {
  it('starts at midnight UTC of its first day, so provider usage covers the daily chart\'s days', () => {
    const now = new Date('2026-11-30T15:42:00Z');
    expect(periodStart(30, now)).toBe('2026-11-01T00:00:00.000Z');
    expect(periodStart(7, now)).toBe('2026-11-24T00:00:00.000Z');
    expect(periodStart(1, now)).toBe('2026-11-30T00:00:00.000Z');
  });

  it('crosses months and years', () => {
    expect(periodStart(90, new Date('2027-01-15T00:00:01Z'))).toBe('2026-10-18T00:00:00.000Z');
  });
});

describe('the daily bars', () => {
  it('scale to the day that spent most', () => {
    expect(barHeights([0, 5, 10, 2.5], 100)).toEqual({ top: 10, heights: [0, 50, 100, 25] });
  });

  it('leave a day of net releases empty rather than drawing below the axis', () => {
    expect(barHeights([4, -3], 100)).toEqual({ top: 4, heights: [100, 0] });
  });

  it('draw nothing for a quiet period', () => {
    expect(barHeights([0, 0, 0], 100)).toEqual({ top: 1, heights: [0, 0, 0] });
  });
});
